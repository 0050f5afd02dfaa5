"""A pemangku's month: sending it or NIHIL, their own reports (correct, cancel), its status, and the
month a person names."""

from __future__ import annotations

# month submission and NIHIL (handlers/monthly.py)
SUBMIT_SUMMARY = (
    "Laporan bulan {bulan} untuk {unit}:\n"
    "Lahir {lahir} · Meninggal {meninggal} · Datang {datang} · Pindah {pindah}\n"
    "Kirim laporan ini ke petugas {village}? Bila nanti ada peristiwa lagi, tetap laporkan; "
    "akan ditambahkan."
)
SUBMIT_EMPTY = (
    "Bulan {bulan} belum ada laporan lahir, meninggal, datang atau pindah untuk {unit}. "
    "Bila memang tidak ada perubahan, pilih Nihil."
)
NIHIL_CONFIRM = (
    "NIHIL berarti tidak ada kelahiran, kematian, pendatang maupun pindah di {unit} selama bulan {bulan}. "
    "Benar?"
)
NIHIL_HAS_EVENTS = (
    "Bulan {bulan} sudah ada {count} laporan di {unit}, jadi tidak bisa NIHIL. Pilih Kirim Laporan."
)
CONFIRM_CHOICES = {"ya": "Ya, kirim", "tidak": "Tidak"}
SUBMITTED = "Terima kasih! Laporan bulan {bulan} untuk {unit} sudah terkirim."
SUBMITTED_NIHIL = "Terima kasih! Bulan {bulan} untuk {unit} tercatat NIHIL."
SUBMITTED_LATE = "(Terlambat: batasnya {batas}.)"
ALREADY_SUBMITTED = (
    "Catatan: laporan bulan {bulan} sudah dikirim ({status}) pada {tanggal}; bila dikirim lagi, "
    "yang terbaru yang berlaku."
)
REPORT_STATUS_NAMES = {"submitted": "terkirim", "nihil": "NIHIL"}
NOT_SENT = "Baik, belum dikirim."
NOT_SENT_AGAIN = "Baik, tidak dikirim ulang. Laporan bulan {bulan} tetap tercatat {status} sejak {tanggal}."
# my reports, corrections and cancellations (handlers/mine.py)
MINE_TITLE = "Laporan {unit}, bulan yang masih terbuka:"
MINE_LINE = "{no}. {receipt} · {kind} · {names} · {tanggal}{mark}"
MINE_ROW_TITLE = "{receipt} {kind}"
MINE_ROW_DETAIL = "{names} · {tanggal}{mark}"
MINE_CORRECTED = " (dikoreksi)"
MINE_SUSULAN = " (susulan)"
MINE_EMPTY = "Belum ada laporan di bulan yang masih terbuka."
MINE_PICK = "Ketik nomornya untuk mengoreksi atau membatalkan, atau ketik MENU."
MINE_ACTIONS = {"koreksi": "Koreksi", "hapus": "Batalkan laporan", "kembali": "Kembali"}
MINE_WHAT = "Laporan {receipt} ({kind}: {names}). Mau diapakan?"
CANCEL_REASON = "Apa alasan pembatalannya? (misalnya: dilaporkan dua kali)"
CANCEL_DONE = "Laporan {receipt} dibatalkan. Catatan aslinya tetap tersimpan. Nomor pembatalan: {cancel}"
STATUS_PEMANGKU = "Bulan {bulan} untuk {unit}: {status}. Laporan masuk: {count}."
STATUS_WORDS = {"submitted": "sudah dikirim", "nihil": "NIHIL", "missing": "belum dikirim"}
# The month a person names, and which months exist (handlers/months.py, handlers/month_names.py)
MONTH_UNKNOWN = (
    'Maaf, "{typed}" belum saya kenali sebagai bulan. Contoh: REKAP NOVEMBER, STATUS 2026-10, '
    "REKAP 10/2026, REKAP BULAN LALU."
)
MONTH_FUTURE = "Bulan {bulan} belum tiba, jadi belum ada datanya."
MONTH_BEFORE_START = "Belum ada data untuk {bulan}: laporan dimulai bulan {mulai}."
STATUS_NOT_STARTED = "Laporan pemangku {unit} belum dimulai."
# One word for a unit without a report, in chat and in the books alike: while the month is open it
# may still come ("belum lapor"); once the month is closed it did not ("tidak lapor").
MISSING_WORD = {False: "belum lapor", True: "tidak lapor"}
