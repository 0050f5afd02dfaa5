"""What anyone hears around the flows: the menus, the words typed to steer (BATAL, KEMBALI, MENU...),
help per role, and the answers to a line that interrupts a question."""

from __future__ import annotations

# general (handlers/router.py)
NOT_UNDERSTOOD = "Maaf, saya belum mengerti. Pilih salah satu menu di bawah, atau ketik BANTUAN."
DRAFT_EXPIRED = "Laporan yang belum selesai sejak lebih dari {hours} jam sudah dihapus. Silakan mulai lagi."
CANCELLED = "Baik, dibatalkan. Tidak ada yang disimpan."
NOTHING_TO_CANCEL = "Tidak ada yang sedang diisi."
DRAFT_KEPT = "Halo! Isian Anda tadi masih tersimpan. Lanjutkan di bawah, atau ketik BATAL untuk berhenti."
DRAFT_DROPPED = "Isian yang belum selesai tadi dibatalkan; tidak ada yang disimpan."
# A greeting alone (handlers/courtesy.py): greeted back in kind, before the menu's prompt.
GREETING_SALAM = "Waalaikumsalam."
GREETING_TABIK = "Tabik pun."
GREETING_HELLO = "Halo!"
# One text twice within seconds (bot/sent_twice.py): the second is no answer to anything.
SENT_TWICE = (
    "Pesan yang sama baru saja masuk dua kali; yang kedua tidak saya pakai, jadi tidak ada yang berubah. "
    "Bila memang untuk pertanyaan di atas, kirim sekali lagi."
)
# The last answer sent again later, at another free-text question (handlers/resent.py).
RESENT_FIELD = "Pesan «{text}» sama dengan jawaban Anda sebelumnya.\n{label} juga {text}?"
RESENT_OTHER = (
    "Pesan «{text}» sama dengan jawaban Anda sebelumnya. Apakah ini juga jawaban pertanyaan di atas?"
)
RESENT_CHOICES = {"ya": "Ya", "tidak": "Bukan"}  # "tidak": every way of saying no picks it
RESENT_NO = "Baik, tidak saya pakai."
THANKS_REPLY = "Sama-sama! Bila ada laporan lagi, pilih dari menu."
OKAY_REPLY = "Baik 🙏 Bila ada laporan lagi, pilih dari menu."
# Thanks or "ok" alone while a question waits (handlers/router.py): no answer; the question again.
ACK_THANKS = "Sama-sama 🙏 Masih ada pertanyaan yang menunggu jawaban:"
ACK_OKAY = "Baik 🙏 Masih ada pertanyaan yang menunggu jawaban:"
# A text of emoji alone (not 👍 or 🙏, which acknowledge): no answer; the question again, or the menu.
EMOJI_ONLY = "Maaf, saya belum bisa membaca emoji. Mohon jawab dengan huruf/angka:"
EMOJI_AT_MENU = "Maaf, saya belum bisa membaca emoji. Silakan pilih dari menu, atau ketik BANTUAN."
# menus (handlers/menu.py)
MENU_PROMPT = "Silakan pilih:"
MENU_PEMANGKU = {
    "lahir": "Lapor Lahir",
    "meninggal": "Lapor Meninggal",
    "datang": "Lapor Datang",
    "pindah": "Lapor Pindah",
    "kirim": "Kirim Laporan",
    "nihil": "Nihil",
    "laporan": "Laporan Saya",
    "bantuan": "Bantuan",
}
MENU_STAFF = {
    "status": "Status Bulan Ini",
    "rekap": "Rekap",
    "daftar": "Siapa Lapor Apa",
    "undang": "Undang Pemangku",
    "tutup": "Tutup Bulan",
    "dasbor": "Dasbor Web",
    "bantuan": "Bantuan",
}
MENU_CAMAT = {"status": "Status Kecamatan", "dasbor": "Dasbor Web", "bantuan": "Bantuan"}
MENU_KABUPATEN = {"dasbor": "Dasbor Web", "bantuan": "Bantuan"}
# Menu labels fit a WhatsApp list row's 24-character title with their number; the detail goes below.
MENU_DETAILS_PEMANGKU = {
    "lahir": "Bayi yang lahir di unit Anda",
    "meninggal": "Warga yang meninggal dunia",
    "datang": "Warga yang pindah masuk",
    "pindah": "Warga yang pindah keluar",
    "kirim": "Kirim laporan bulan ini ke petugas pekon",
    "nihil": "Bulan ini tidak ada perubahan",
    "laporan": "Lihat, koreksi atau batalkan laporan",
    "bantuan": "Cara memakai layanan ini",
}
MENU_DETAILS_STAFF = {
    "status": "Unit yang sudah dan belum lapor",
    "rekap": "Rekap B.3 bulan ini",
    "daftar": "Semua laporan per unit",
    "undang": "Kode daftar untuk pemangku baru",
    "tutup": "Tutup bulan dan kirim rekap",
    "dasbor": "Tautan masuk ke dasbor",
    "bantuan": "Cara memakai layanan ini",
}
MENU_DETAILS_CAMAT = {
    "status": "Kelengkapan laporan tiap pekon",
    "dasbor": "Tautan masuk ke dasbor",
    "bantuan": "Cara memakai layanan ini",
}
MENU_DETAILS_KABUPATEN = {"dasbor": "Tautan masuk ke dasbor", "bantuan": "Cara memakai layanan ini"}
WORDS_CANCEL = ("batal", "cancel", "/batal", "/cancel")
WORDS_BACK = ("kembali", "balik", "back", "/kembali")
WORDS_MENU = ("menu", "/menu")
WORDS_GREETING = (
    "/start", "mulai", "halo", "hallo", "hai", "hi", "assalamualaikum", "selamat pagi", "selamat siang",
    "selamat sore", "selamat malam",
)  # fmt: skip
WORDS_THANKS = ("terima kasih", "terimakasih", "makasih", "trims", "thanks", "tq", "tks", "matur nuwun")
WORDS_HELP = ("bantuan", "/help", "/bantuan", "help", "tolong")
WORDS_CHANGE = ("ubah", "ganti", "edit")
# help (handlers/router.py)
HELP_PEMANGKU = (
    "Cara melapor:\n"
    "• Pilih menu Lapor Lahir / Meninggal / Datang / Pindah, lalu jawab pertanyaannya satu per satu.\n"
    "• Ketik KEMBALI untuk mengulang pertanyaan sebelumnya, BATAL untuk membatalkan.\n"
    "• Awal bulan: pilih Kirim Laporan, atau Nihil bila tidak ada perubahan.\n\n"
    "Lapor cepat dalam satu baris, contoh:\n"
    "LAHIR Putri Ayu P 12-11-2026 di Liwa ibu Sari ayah Joko\n"
    "MENINGGAL Sukardi L 10/11/2026 di rumah KK\n"
    "DATANG Andi L kemarin dari Bandar Lampung NIK 1804011203900001\n"
    "PINDAH Rina P 5 nov 2026 ke Jakarta\n"
    "PINDAH KELUARGA 5 nov 2026 ke Jakarta, Ali L KK, Siti P, Rudi L\n"
    "(KK = kepala keluarga, WNA bila warga asing. Yang belum ada akan ditanyakan.)"
)
HELP_STAFF = (
    "Menu petugas: Status Bulan Ini, Rekap, Siapa Lapor Apa, Undang Pemangku, Tutup Bulan.\n"
    "Meminta pemangku mengonfirmasi nomor HP-nya: ketik MINTA NOMOR.\n"
    "Membuka lagi bulan yang sudah ditutup: ketik BUKA BULAN diikuti alasannya, "
    "misalnya: BUKA BULAN ada kelahiran yang terlewat.\n"
    "Bulan lain: tambahkan nama bulannya, misalnya REKAP NOVEMBER, STATUS 10/2026, REKAP BULAN LALU."
)
HELP_CAMAT = (
    "Menu camat: Status Kecamatan menampilkan laporan setiap {village} untuk bulan lalu, "
    "yaitu bulan yang sedang dilaporkan. Bulan lain: ketik STATUS diikuti bulannya, "
    "misalnya STATUS NOVEMBER atau STATUS 10/2026."
)
HELP_KABUPATEN = (
    "Ketik DASBOR untuk mendapat tautan masuk ke dasbor web: kelengkapan laporan setiap kecamatan "
    "dan {village}, angka B.3 dan tren bulanan."
)
IN_FLOW = "Anda sedang mengisi laporan. Jawab pertanyaannya dulu, atau ketik BATAL untuk berhenti."
# Buttons answer only the question they were sent with (handlers/questions.py, issue 11 item 1)
STALE_CHOICE = "Tombol itu dari pertanyaan sebelumnya, jadi tidak saya pakai. Ini pertanyaan sekarang:"
CHOSEN_MARK = "{text}\n\n➜ {label} ✓"
# interruptions (handlers/interrupt.py, handlers/intents.py)
# A line that means something else while a question waits: answered, or "continue or stop?".
ASIDE_OFFER = (
    "Anda sedang mengisi {activity}. Pertanyaan terakhir: «{question}»\n"
    "Lanjutkan yang tadi, atau batalkan yang tadi lalu {new}?"
)
ASIDE_NEW_LINE = "baca baris yang baru Anda kirim"
ASIDE_NEW_ACTION = "mulai «{label}»"
ASIDE_CHOICES = {"lanjut": "Lanjutkan yang tadi", "ganti": "Batalkan yang tadi"}  # WhatsApp: ≤ 20 chars
ASIDE_DROPPED = "Baik, {activity} tadi dibatalkan; tidak ada yang disimpan."
ASIDE_BACK = "Baik, kita lanjutkan."
ASIDE_ACTIVITIES = {
    "report": "laporan {kind}",
    "correction": "koreksi laporan {kind}",
    "monthly": "pengiriman laporan bulanan",
    "mine": "Laporan Saya",
    "invite": "undangan pemangku",
    "close": "tutup bulan",
    "cek": "pengecekan daftar penerima",
    "daftar_kirim": "impor berkas daftar penerima",
}
ASIDE_ACTIVITY_OTHER = "isian"
# The bot's own words: typed alone at a name question they are not a name (handlers/parsing.py).
COMMAND_WORDS_EXTRA = ("simpan", "tetap simpan", "kirim", "lapor", "laporan", "lanjut", "lanjutkan",
                       "selesai", "sudah", "belum", "hapus", "koreksi", "daftar", "rekap", "undang", "tutup",
                       "buka")  # fmt: skip
