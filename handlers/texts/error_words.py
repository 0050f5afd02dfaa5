"""Kind answers to what cannot be used: a message of the wrong sort, a typed answer that does not fit
its question (`ERRORS`), and a fact the ledger refuses (`LEDGER_ERRORS`)."""

from __future__ import annotations

# general (handlers/router.py)
INTERNAL_ERROR = "Maaf, ada gangguan. Data yang sudah tersimpan aman; mohon kirim lagi jawaban terakhir Anda."
# a message whose turn failed on every try, set aside (bot/channels/whatsapp_batch.py)
MESSAGE_SET_ASIDE = "Maaf, pesan Anda tanggal {sent} WIB tidak bisa saya proses. Mohon kirim lagi pesan itu."
UNSUPPORTED = "Maaf, saya hanya bisa membaca pesan teks. Silakan ketik jawaban Anda."
TOO_LONG = "Pesannya terlalu panjang. Mohon ketik jawaban singkat saja."
# kinds of IncomingMessage.unsupported that are not "a message of the wrong sort"
UNREAD_KINDS = {
    "edit": "Pesan yang diubah tidak saya baca, jadi tidak ada yang berubah. Bila ada yang perlu "
    "dibetulkan, kirim perbaikannya sebagai pesan baru.",
    "revoke": "Pesan yang dihapus tetap sudah saya terima; menghapusnya tidak membatalkan apa pun. "
    "Bila ada yang salah, kirim perbaikannya sebagai pesan baru.",
    "group": "Maaf, saya tidak menerima laporan di grup: nama dan NIK di grup terbaca semua anggota. "
    "Silakan kirim pesan langsung (chat pribadi) ke saya.",
}
ERRORS = {
    "date_format": "Tanggal itu belum bisa saya baca. Contoh: 12-11-2026, 12 nov 2026, kemarin.",
    "date_future": "Tanggal itu belum terjadi. Mohon periksa lagi; contoh: 12-11-2026.",
    "date_old": "Tanggal itu terlalu lama. Mohon periksa tahunnya; contoh: 12-11-2026.",
    "date_no_day": "{month} {year} hanya sampai tanggal {last}; tanggal {day} tidak ada. Mohon periksa lagi.",
    "sex": "Mohon jawab L (laki-laki) atau P (perempuan).",
    "yes_no": "Mohon jawab Ya atau Tidak.",
    "citizenship": "Mohon jawab WNI (warga Indonesia) atau WNA (warga asing).",
    "name_length": "Nama harus 2 sampai 100 huruf. Contoh: Siti Aminah.",
    "name_chars": "Nama hanya berisi huruf (boleh titik, koma, petik, tanda hubung). Contoh: Siti Aminah.",
    "place": "Mohon tulis nama tempatnya. Contoh: Liwa.",
    "place_nik": "Itu berisi NIK. Tulis nama tempatnya saja (contoh: Liwa); NIK ditanyakan tersendiri.",
    "nik_digits": "NIK hanya berisi angka. Contoh: 1804151203900001. Ketik - bila tidak ada.",
    "nik_length": "NIK harus 16 angka. Mohon periksa lagi, atau ketik - bila tidak ada.",
    "nik_invalid": "NIK itu tidak mungkin benar (kode wilayah atau tanggalnya salah). Mohon periksa lagi.",
    "count": "Mohon tulis jumlahnya dengan angka, 2 sampai 20. Contoh: 4.",
    "family_heads": "Hanya satu anggota yang boleh ditandai KK; yang pertama ditandai KK dipakai.",
    "choice": "Mohon pilih salah satu: ketik nomornya atau katanya.",
    "name_command": (
        "«{word}» adalah kata perintah, bukan nama, jadi tidak saya catat. Mohon ketik namanya, "
        "misalnya: Siti Aminah."
    ),
    # what says who someone is, not their name: "bayi", "dua anak kembar" (handlers/parsing.py)
    "name_words": (
        "«{word}» belum nama orang, jadi tidak saya catat. Mohon ketik namanya, misalnya: Siti Aminah. "
        "Bila belum diberi nama, tunggu sampai ada namanya."
    ),
    "name_twins": (
        "Bayi kembar dilaporkan satu per satu, satu laporan untuk setiap bayi. Ketik nama bayi pertama "
        "dulu; sesudah itu laporkan bayi berikutnya."
    ),
}
LEDGER_ERRORS = {
    "negative": "Laporan ini membuat jumlah penduduk menjadi minus. Mohon periksa datanya, "
    "atau hubungi petugas {village}.",
    "future_date": "Tanggalnya belum terjadi. Mohon periksa lagi.",
    "newborn_head": "Bayi tidak bisa menjadi kepala keluarga.",
    "two_heads": "Satu keluarga hanya punya satu kepala keluarga.",
    "month_closed": "Bulan {bulan} sudah ditutup oleh petugas {village}.",
    "month_closed_auto": "Bulan {bulan} sudah ditutup otomatis sesuai jadwal.",
    "nihil_with_events": "Bulan ini sudah ada laporan, jadi tidak bisa NIHIL. Pilih Kirim Laporan.",
    "already_cancelled": "Laporan itu sudah dibatalkan sebelumnya.",
    "wrong_unit": "Laporan itu tidak ditemukan.",
    "no_reason": "Mohon tulis alasannya.",
    "earlier_month_open": "Bulan sebelumnya belum ditutup. Tutup dulu bulan itu.",
    "not_closed": "Bulan itu belum ditutup.",
    "not_latest_closed": "Hanya bulan terakhir yang ditutup yang bisa dibuka lagi.",
    "other": "Laporan belum bisa disimpan. Mohon coba lagi atau hubungi petugas {village}.",
}
