"""Pekon staff and camat in chat: status, who reported what, invites, closing and reopening a month, and
the B.3 recap as a chat message."""

from __future__ import annotations

# staff and camat (handlers/staff.py)
STAFF_NO_SCOPE = "Akun Anda belum terhubung ke {village} mana pun. Hubungi admin."
STAFF_STATUS_TITLE = "Status laporan bulan {bulan}, {village} {pekon}{closed}:"
STAFF_STATUS_CLOSED = " (sudah ditutup)"
STAFF_STATUS_LINE = "{no}. {unit}: {status}"
STAFF_STATUS_WORDS = {
    "submitted": "sudah kirim",
    "nihil": "NIHIL",
    "late": "terlambat",
    "after": "ada tambahan setelah kirim",
}
STAFF_STATUS_SUMMARY = "Sudah: {done} dari {total}. Belum: {missing}."
STAFF_LIST_TITLE = "Yang dilaporkan bulan {bulan}, {village} {pekon}:"
STAFF_LIST_LINE = (
    "{no}. {unit} · {kind} · {name} ({sex}) · NIK {nik} · {tanggal} · oleh {reporter} · {receipt}"
)
STAFF_LIST_EMPTY = "Belum ada laporan bulan {bulan}."
STAFF_INVITE_UNIT = "Undang pemangku untuk unit mana?"
STAFF_INVITE_NAME = "Nama pemangku yang diundang?"
STAFF_INVITE_HAS_PEMANGKU = (
    "Perhatian: {unit} sudah punya pemangku terdaftar ({names}). Kode baru ini menambah satu pemangku "
    "lagi untuk unit itu; ketik BATAL bila tidak jadi.\n"
)
STAFF_INVITE_LINK = "Lewat Telegram cukup buka tautan ini: https://t.me/{bot}?start={code}"
STAFF_INVITE_DONE = (
    "Kode undangan untuk {name} ({unit}): {code}\n"
    "Berlaku sampai {sampai}. Sampaikan kepadanya: buka bot ini lalu ketik DAFTAR {code}"
)
STAFF_CLOSE_MISSING = "Bulan {bulan} belum bisa ditutup. Belum lapor: {units}."
STAFF_CLOSE_CONFIRM = (
    "Semua pemangku sudah lapor. Tutup bulan {bulan} untuk {village} {pekon}? "
    "Setelah ditutup, angka bulan itu tidak berubah lagi."
)
STAFF_CLOSE_DONE = "Bulan {bulan} sudah ditutup. Rekapnya akan dikirim otomatis."
STAFF_CLOSE_ALREADY = "Bulan {bulan} sudah ditutup."
STAFF_CLOSE_RUNNING = "Bulan {bulan} masih berjalan; bisa ditutup setelah bulan itu selesai."
STAFF_REOPEN_NEED_REASON = "Tulis alasannya, misalnya: BUKA BULAN ada kelahiran yang terlewat."
STAFF_REOPEN_NONE = "Belum ada bulan yang ditutup."
STAFF_REOPEN_DONE = "Bulan {bulan} dibuka lagi. Alasan: {reason}. Tutup lagi bila sudah lengkap."
CAMAT_TITLE = "Status laporan bulan {bulan}, Kecamatan {kecamatan}:"
CAMAT_LINE = "{no}. {pekon}: {done}/{total} pemangku lapor{closed}"
CAMAT_CLOSED = ", ditutup"
CAMAT_EMPTY = "Belum ada {village} terdaftar di kecamatan ini."
# recap text (handlers/recap_text.py): the B.3 in a chat message
RECAP_TITLE = "Rekap B.3 {village} {nama} ({kode})"
RECAP_MONTH_OPEN = "Bulan {bulan} · masih terbuka (angka sementara)"
RECAP_MONTH_CLOSED = "Bulan {bulan} · sudah ditutup (revisi {revision})"
RECAP_UNIT_LINE = "{no}. {nama}: {status}"
RECAP_FIGURES = "   Awal {awal} jiwa ({awal_kk} KK) · Akhir {akhir} jiwa ({akhir_kk} KK)"
RECAP_MOVES = "   Lahir {lahir} · Datang {datang} · Meninggal {meninggal} · Pindah {pindah}"
RECAP_COMPACT_LINE = (
    "{no}. {nama}: {awal}→{akhir} jiwa; lahir {lahir}, datang {datang}, meninggal {meninggal}, "
    "pindah {pindah} ({status})"
)
RECAP_TOTAL = "JUMLAH"
RECAP_TOTAL_SEX = "   Akhir: laki-laki {l} · perempuan {p} · WNA {wna}"
RECAP_MISSING = "{missing_word} ({count}): {names}"
RECAP_MISSING_MORE = "{names}, dan {count} lagi"
RECAP_ALL_REPORTED = "Semua pemangku sudah lapor."
RECAP_NO_UNITS = "Belum ada pemangku terdaftar."
RECAP_MORE = "… dan {count} pemangku lagi (lihat berkas rekap lengkap)."
RECAP_STATUS = {
    "nihil": "NIHIL",
    "submitted": "sudah kirim",
    "late": "terlambat",
    "susulan": "ada susulan",
    "koreksi": "ada koreksi",
}
# a camat's pekon line when its reports have not started (handlers/staff_month.py)
CAMAT_NOT_STARTED = ": laporan mulai {bulan}"
CAMAT_NO_UNITS = ": belum ada pemangku terdaftar"
