"""Every word the bot says, in Bahasa Indonesia: friendly and short. Code elsewhere never holds
user-facing words; it picks them from here. Each section belongs to one part of the product."""

from __future__ import annotations

# --- conversations (handlers/) -------------------------------------------------------------------

# general (handlers/router.py)
INTERNAL_ERROR = "Maaf, ada gangguan. Data yang sudah tersimpan aman; mohon kirim lagi jawaban terakhir Anda."
UNREGISTERED = (
    "Halo! {account} belum terdaftar. Untuk mendaftar, ketik DAFTAR diikuti kode undangan "
    "dari petugas {village}, misalnya: DAFTAR ABCD-EFGH"
)
# what identifies a person on each channel: a Telegram account has no number
ACCOUNT_WORDS = {"telegram": "Akun Telegram ini", "whatsapp": "Nomor WhatsApp ini", "console": "Akun ini"}
UNSUPPORTED = "Maaf, saya hanya bisa membaca pesan teks. Silakan ketik jawaban Anda."
TOO_LONG = "Pesannya terlalu panjang. Mohon ketik jawaban singkat saja."
NOT_UNDERSTOOD = "Maaf, saya belum mengerti. Pilih salah satu menu di bawah, atau ketik BANTUAN."
DRAFT_EXPIRED = "Laporan yang belum selesai sejak lebih dari {hours} jam sudah dihapus. Silakan mulai lagi."
CANCELLED = "Baik, dibatalkan. Tidak ada yang disimpan."
NOTHING_TO_CANCEL = "Tidak ada yang sedang diisi."
DRAFT_KEPT = "Halo! Isian Anda tadi masih tersimpan. Lanjutkan di bawah, atau ketik BATAL untuk berhenti."
DRAFT_DROPPED = "Isian yang belum selesai tadi dibatalkan; tidak ada yang disimpan."
THANKS_REPLY = "Sama-sama! Bila ada laporan lagi, pilih dari menu."

# registration (handlers/registration.py)
REGISTER_NEED_CODE = "Ketik DAFTAR diikuti kode undangan Anda, misalnya: DAFTAR ABCD-EFGH"
# One answer for every code that cannot be used (unknown, used or expired), so a guesser learns nothing;
# staff see the reason with `pemangku invites`.
REGISTER_REFUSED = {
    "unknown": (
        "Kode itu tidak bisa dipakai. Periksa lagi kodenya; bila benar, minta kode baru kepada "
        "petugas {village}."
    ),
    "throttled": "Terlalu banyak percobaan. Silakan coba lagi satu jam lagi.",
    "busy": "Sedang terlalu banyak percobaan pendaftaran. Silakan coba lagi beberapa menit lagi.",
    "registered": (
        "{account} sudah terdaftar atas nama {name}. {scope} Satu nomor atau akun hanya untuk satu "
        "tugas, jadi kode tadi tidak saya pakai; kode itu tetap bisa didaftarkan dari nomor lain. "
        "Ketik MENU untuk melihat menu."
    ),
}
WELCOME = "Selamat datang, {name}! {scope}"
REGISTERED_AS = {  # the scope of a member, said at the welcome and to a second code
    "pemangku": "Anda terdaftar untuk {unit}, {village} {pekon}.",
    "staff": "Anda terdaftar sebagai petugas {village} {pekon}.",
    "camat": "Anda terdaftar untuk Kecamatan {kecamatan}.",
    "admin": "Anda terdaftar sebagai admin.",
}

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
PHONE_ASK = (
    "{staff} dari kantor pekon meminta Anda mengonfirmasi nomor HP. Tekan tombol "
    '"Kirim nomor HP saya" di bawah (atau bagikan kontak Anda sendiri).'
)
PHONE_ASKED = "Permintaan konfirmasi nomor HP terkirim ke {count} pemangku."
PHONE_NOT_OWN = 'Itu bukan nomor Anda sendiri. Tekan "Kirim nomor HP saya" untuk membagikan nomor Anda.'
PHONE_SAVED = "Terima kasih! Nomor HP Anda tercatat: {phone}."
HELP_CAMAT = (
    "Menu camat: Status Kecamatan menampilkan laporan setiap {village} untuk bulan lalu, "
    "yaitu bulan yang sedang dilaporkan. Bulan lain: ketik STATUS diikuti bulannya, "
    "misalnya STATUS NOVEMBER atau STATUS 10/2026."
)
HELP_KABUPATEN = (
    "Ketik DASBOR untuk mendapat tautan masuk ke dasbor web: kelengkapan laporan setiap kecamatan "
    "dan {village}, angka B.3 dan tren bulanan."
)

# the dashboard sign-in link (handlers/dashboard.py) and the pages' own messages (bot/web/)
WORDS_DASHBOARD = ("dasbor", "/dasbor", "dashboard", "/dashboard")
DASHBOARD_LINK = (
    "Tautan masuk dasbor (berlaku {minutes} menit, sekali pakai):\n{url}\n"
    "Jangan teruskan tautan ini ke orang lain."
)
DASHBOARD_NO_URL = "Dasbor web belum diaktifkan di server ini (PEMANGKU_PUBLIC_URL belum diisi)."
DASHBOARD_NOT_FOR_ROLE = "Dasbor web hanya untuk petugas pekon, camat dan kabupaten."
WEB_LINK_INVALID = (
    "Tautan ini tidak bisa dipakai lagi: sudah dipakai atau lewat 10 menit. "
    "Ketik DASBOR di chat untuk tautan baru."
)
WEB_SIGNED_OUT = "Anda sudah keluar. Ketik DASBOR di chat untuk masuk lagi."
WEB_NEED_SIGNIN = "Silakan masuk lewat tautan dari chat: ketik DASBOR di Telegram atau WhatsApp."
WEB_NOT_FOUND = "Halaman tidak ditemukan."
WEB_STATUS_SHORT = {
    "on_time": "Tepat",
    "late": "Telat",
    "nihil": "NIHIL",
    "missing": "Tidak",
    "not_due": "Belum",
}
WEB_CSRF = "Permintaan ditolak: formulir kedaluwarsa. Muat ulang halaman lalu coba lagi."
WEB_MATCHES_REFRESH = "Cocokkan ulang dengan laporan"
WEB_MATCHES_REFRESHED = "Daftar sudah dicocokkan ulang dengan laporan pemangku terbaru."
IN_FLOW = "Anda sedang mengisi laporan. Jawab pertanyaannya dulu, atau ketik BATAL untuk berhenti."

# the four reports (handlers/fields.py, handlers/report_flow.py, handlers/report_save.py)
KIND_NAMES = {"lahir": "kelahiran", "meninggal": "kematian", "datang": "kedatangan", "pindah": "kepindahan"}
KIND_START = {
    "lahir": "Lapor kelahiran. Ketik BATAL kapan saja untuk berhenti, KEMBALI untuk mundur.",
    "meninggal": "Lapor kematian. Turut berduka. Ketik BATAL untuk berhenti, KEMBALI untuk mundur.",
    "datang": "Lapor pendatang (pindah masuk). Ketik BATAL untuk berhenti, KEMBALI untuk mundur.",
    "pindah": "Lapor pindah keluar. Ketik BATAL untuk berhenti, KEMBALI untuk mundur.",
}
QUESTIONS = {
    "name": "Siapa nama lengkapnya?",
    "sex": "Jenis kelamin?",
    "nik": "NIK (16 angka)? Ketik - bila tidak ada.",
    "is_head": "Apakah dia kepala keluarga?",
    "citizenship": "Kewarganegaraan?",
    "family": "Pindah sekeluarga (satu KK)?",
    "count": "Berapa orang dalam keluarga itu? (2-20)",
    "birth_place": "Lahir di mana? (misalnya: Liwa, RSUD Alimuddin Umar, rumah)",
    "mother_name": "Nama ibu?",
    "father_name": "Nama ayah? Ketik - bila tidak ada.",
    "death_place": "Meninggal di mana? (misalnya: rumah, RSUD Liwa)",
    "origin": "Datang dari mana? (desa/kota asal)",
    "destination": "Pindah ke mana? (desa/kota tujuan)",
}
QUESTION_DATE = {
    "lahir": "Tanggal lahir? (misalnya 12-11-2026, 12 nov 26, kemarin)",
    "meninggal": "Tanggal meninggal? (misalnya 12-11-2026, kemarin)",
    "datang": "Tanggal datang? (misalnya 12-11-2026, hari ini)",
    "pindah": "Tanggal pindah? (misalnya 12-11-2026, hari ini)",
}
QUESTION_NIK_NEWBORN = "NIK bayi (16 angka)? Biasanya belum ada: ketik - untuk melewati."
QUESTION_MEMBER = "Anggota {n} dari {total}{head}: {question}"
MEMBER_HEAD = " (kepala keluarga)"
LABELS = {
    "name": "Nama",
    "sex": "Jenis kelamin",
    "nik": "NIK",
    "is_head": "Kepala keluarga",
    "citizenship": "Kewarganegaraan",
    "family": "Sekeluarga",
    "count": "Jumlah orang",
    "event_date": "Tanggal",
    "birth_place": "Tempat lahir",
    "mother_name": "Nama ibu",
    "father_name": "Nama ayah",
    "death_place": "Tempat meninggal",
    "origin": "Datang dari",
    "destination": "Pindah ke",
}
MEMBER_LABEL = "Anggota {n}"
SUMMARY_MEMBER = "Anggota {n}{head}: {name} · {sex} · NIK {nik}"
SEX_CHOICES = {"L": "L (laki-laki)", "P": "P (perempuan)"}
CITIZENSHIP_CHOICES = {"WNI": "WNI", "WNA": "WNA"}
YES_NO_CHOICES = {"ya": "Ya", "tidak": "Tidak"}
YES, NO = "ya", "tidak"
EMPTY = "-"
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
}
WARNINGS = {
    "nik_sex": "Perhatian: NIK {nik} biasanya milik {nik_sex}, tetapi jenis kelaminnya {sex}. Tetap pakai?",
    "nik_birth_date": "Perhatian: tanggal lahir dalam NIK {nik} berbeda dengan {date}. Tetap pakai?",
    "old_birth": "Tanggal lahir {date} lebih dari setahun yang lalu. Apakah sudah benar?",
    "old_event": "Tanggal {date} lebih dari setahun yang lalu. Apakah sudah benar?",
}
WARNING_CHOICES = {"ya": "Ya, sudah benar", "tidak": "Tidak, ketik ulang"}
SEX_NAMES = {"L": "laki-laki", "P": "perempuan"}
SUMMARY_TITLE = "Periksa laporan {kind}:"
SUMMARY_FOOTER = "Sudah benar?"
SUMMARY_CHOICES = {"simpan": "Simpan", "ubah": "Ubah", "batal": "Batal"}
CHANGE_PROMPT = "Bagian mana yang mau diubah?"
SAVED = "Terima kasih! Laporan {kind} tersimpan.\nNomor tanda terima: {receipt}\nMasuk laporan bulan {bulan}."
SAVED_SUSULAN = "Bulan {asli} sudah ditutup, jadi laporan ini dicatat sebagai susulan di bulan {bulan}."
SAVED_AFTER_SUBMIT = (
    "Laporan bulan {bulan} sudah Anda kirim sebelumnya; laporan ini ditambahkan dan petugas diberi tahu."
)
STAFF_AFTER_SUBMIT = "Info: {unit} menambah laporan {kind} ({receipt}) setelah laporan bulan {bulan} dikirim."
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
CORRECTED = "Koreksi tersimpan. Laporan {kind} yang lama tetap tercatat beserta koreksinya.\nNomor: {receipt}"
# the express line read back (handlers/express_reply.py)
EXPRESS_READ = "Dari baris tadi saya baca:"
EXPRESS_UNREAD = "Belum saya mengerti: {words}"
EXPRESS_CHECK = "Mohon periksa; yang keliru bisa diubah nanti lewat UBAH di ringkasan."
EXPRESS_MISSING = "Belum ada di baris tadi: {fields}. Saya tanyakan satu per satu."
CAPTION_READ = "Fotonya tidak saya simpan, tetapi tulisan di bawahnya saya baca sebagai laporan."
EXPRESS_SEVERAL = (
    "Pesan tadi berisi {count} laporan. Saya isi yang pertama dulu; sesudah itu mohon kirim yang lain "
    "satu per satu (satu laporan satu pesan):"
)
CORRECTION_REASON = "Apa alasan koreksinya? (misalnya: salah tulis nama)"

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

# --- channels (bot/channels, bot/outbox) ---------------------------------------------------------

# to the pekon staff when a person blocked the bot (bot/outbox.py)
CHANNEL_UNREACHABLE_NOTICE = (
    "Pemberitahuan: pesan untuk {name}{unit} tidak bisa dikirim lewat {channel} "
    "(mungkin bot diblokir atau akunnya dihapus). Mohon hubungi langsung dan minta membuka chat "
    "dengan bot lagi."
)
CHANNEL_UNREACHABLE_UNIT = " (pemangku {unit})"
CHANNEL_NAMES = {"telegram": "Telegram", "whatsapp": "WhatsApp", "console": "konsol"}

# Telegram (bot/channels/telegram*.py)
TELEGRAM_CONTACT_BUTTON = "📱 Kirim nomor HP saya"
TELEGRAM_BUTTON_STALE = "Tombol ini sudah dipakai. Silakan lihat pesan terbaru."
# the menu shown by Telegram's "/" button: (command, description)
# (a command arrives as its word: /lahir is read like typing "lahir")
TELEGRAM_COMMANDS = (
    ("menu", "Menu utama"),
    ("lahir", "Lapor kelahiran"),
    ("meninggal", "Lapor kematian"),
    ("datang", "Lapor pendatang"),
    ("pindah", "Lapor pindah keluar"),
    ("kirim", "Kirim laporan bulan ini"),
    ("nihil", "Tidak ada perubahan bulan ini"),
    ("status", "Status laporan bulan ini"),
    ("batal", "Batalkan isian"),
    ("bantuan", "Bantuan"),
)

# WhatsApp (bot/channels/whatsapp*.py)
WHATSAPP_LIST_BUTTON = "Pilih"  # the button that opens a list: at most 20 characters
WHATSAPP_CHOICES_HINT = "Balas dengan nomor atau kata pilihan."
WHATSAPP_CONTACT_HINT = "Kirim kontak Anda: ketuk 📎 lalu Kontak."
# a message that WhatsApp delivered after its 24-hour window had closed: the template
# `balasan_tertunda` (no parameters) says the same when the window is closed
WHATSAPP_LATE_NOTICE = (
    "Pesan Anda baru sampai ke kami setelah tertunda di jaringan WhatsApp. Balasan kami sudah siap: "
    "balas pesan ini (misalnya ketik MENU) untuk melihatnya."
)

# operator messages of `pemangku run` and `pemangku outbox`
RUN_NO_CHANNEL = (
    "Tidak ada kanal yang dikonfigurasi. Isi PEMANGKU_TELEGRAM_TOKEN untuk Telegram, atau "
    "PEMANGKU_WHATSAPP_TOKEN, PEMANGKU_WHATSAPP_PHONE_NUMBER_ID, PEMANGKU_WHATSAPP_APP_SECRET dan "
    "PEMANGKU_WHATSAPP_VERIFY_TOKEN untuk WhatsApp."
)
RUN_NO_SCHEMA = "Skema basis data belum ada atau belum terbaru. Jalankan dulu: pemangku db upgrade"
RUN_WEBHOOK_MISSING = (
    "Mode webhook Telegram butuh PEMANGKU_PUBLIC_URL dan PEMANGKU_TELEGRAM_WEBHOOK_SECRET "
    "(1-256 karakter: huruf, angka, _ atau -)."
)
RUN_STARTED = "pemangku-bot berjalan: {channels}. Tekan Ctrl+C untuk berhenti."
OUTBOX_EMPTY = "Tidak ada pesan yang tertunda atau gagal."
OUTBOX_REQUEUED = "{count} pesan dijadwalkan ulang."
OUTBOX_NOT_FOUND = "Pesan {id} tidak ada atau tidak sedang gagal/tertunda."

# --- jobs: reminders, escalation, close, recap delivery (jobs/) ----------------------------------

# reminders to a pemangku whose unit has not reported (jobs/reminders.py)
REMINDER_BEFORE = (
    "Halo {name}, laporan bulan {bulan} untuk {unit} belum masuk. Batasnya {batas} ({days} hari lagi). "
    "Kirim laporannya, atau pilih NIHIL bila tidak ada lahir, meninggal, datang atau pindah."
)
REMINDER_TODAY = (
    "Halo {name}, hari ini {batas} batas laporan bulan {bulan} untuk {unit}, dan laporannya belum masuk. "
    "Kirim laporannya, atau pilih NIHIL bila tidak ada perubahan."
)
REMINDER_LATE = (
    "Halo {name}, laporan bulan {bulan} untuk {unit} sudah terlambat {days} hari (batas {batas}). "
    "Mohon segera kirim, atau pilih NIHIL bila tidak ada perubahan."
)
REMINDER_CHOICE_KIRIM = "Kirim laporan"
REMINDER_CHOICE_NIHIL = "NIHIL"

# escalation (jobs/escalation.py)
ESCALATE_STAFF = (
    "Laporan bulan {bulan} {village} {pekon}: {count} pemangku belum lapor setelah batas {batas}:\n"
    "{lines}\nMohon bantu ingatkan. Bulan ditutup otomatis pada {tutup}."
)
ESCALATE_STAFF_LINE = "• {unit}: {names}"
ESCALATE_NO_PEMANGKU = "(belum ada pemangku terdaftar)"
ESCALATE_CAMAT = "Kelengkapan laporan bulan {bulan}, Kecamatan {kecamatan}:\n{lines}\n{summary}"
ESCALATE_CAMAT_LINE = "• {pekon}: {done}/{units} lengkap ({submitted} kirim, {nihil} nihil, {missing} belum)"
ESCALATE_CAMAT_CLOSED = " · sudah ditutup"
ESCALATE_CAMAT_SUMMARY = "{complete} dari {total} {village} sudah lengkap."

# delivery after the month closes (jobs/delivery.py)
DELIVERY_SUMMARY = (
    "Bulan {bulan} {village} {pekon} sudah ditutup (revisi {revision}).\n"
    "{submitted} pemangku kirim, {nihil} NIHIL, {missing} tidak lapor.\n"
    "Lahir {lahir} · Meninggal {meninggal} · Datang {datang} · Pindah {pindah}\n"
    "Jumlah penduduk akhir bulan: {jiwa} jiwa ({kk} KK).\n"
    "Buku B.2 dan B.3 terlampir (XLSX dan PDF)."
)
DELIVERY_CAMAT = (
    "Bulan {bulan} sudah ditutup di semua {village} Kecamatan {kecamatan} yang sudah punya pemangku "
    "({pekon_count} {village}): {jiwa} jiwa di akhir bulan. Tabel rekap terlampir."
)
DOCUMENT_CAPTION = "{title} {village} {pekon}, {bulan} (revisi {revision})"
ROLLUP_CAPTION = "Rekap Kecamatan {kecamatan}, {bulan}"

# the documents (jobs/documents): headers follow Permendagri 47/2016
DOC_B3_TITLE = "B.3 BUKU REKAPITULASI JUMLAH PENDUDUK"
DOC_B2_TITLE = "B.2 BUKU MUTASI PENDUDUK DESA"
DOC_MONTH_LINE = "BULAN {bulan} TAHUN {tahun}"
DOC_PLACE_LINES = (
    "{village_cap} : {pekon}",
    "KECAMATAN : {kecamatan}",
    "KABUPATEN : {kabupaten}",
    "KODE WILAYAH : {kode}",
)
DOC_REVISION = "Revisi {revision}, ditutup {closed}"
DOC_OPEN = "Angka sementara: bulan belum ditutup"
DOC_SIGN_PLACE = "{pekon}, {tanggal}"
DOC_SIGN_ROLE = "KEPALA {village_upper} {pekon_upper}"
DOC_SIGN_NAME = "(..............................)"
DOC_SIGN_NIP = "NIP. ..............................."
DOC_SIGN_CAMAT = "CAMAT {kecamatan_upper}"
DOC_B3_GROUPS = (
    ("JUMLAH PENDUDUK AWAL BULAN", 3, 9),
    ("TAMBAHAN BULAN INI", 10, 17),
    ("PENGURANGAN BULAN INI", 18, 25),
    ("JUMLAH PENDUDUK AKHIR BULAN", 26, 32),
)
DOC_B3_SUBGROUPS = (
    ("WNA", 3, 4),
    ("WNI", 5, 6),
    ("JML KK", 7, 7),
    ("JML ANGGOTA KELUARGA", 8, 8),
    ("JML JIWA (7+8)", 9, 9),
    ("LAHIR", 10, 13),
    ("DATANG", 14, 17),
    ("MENINGGAL", 18, 21),
    ("PINDAH", 22, 25),
    ("WNA", 26, 27),
    ("WNI", 28, 29),
    ("JML KK", 30, 30),
    ("JML ANGGOTA KELUARGA", 31, 31),
    ("JML JIWA (30+31)", 32, 32),
)
DOC_B3_SINGLE = {1: "NO", 2: "NAMA DUSUN / PEMANGKU", 33: "KET"}
DOC_TOTAL = "JUMLAH"
DOC_SEX = ("L", "P")
DOC_CITIZENSHIP = ("WNA", "WNI")
DOC_KETERANGAN = {
    "nihil": "nihil",
    "submitted": "lapor",
    "late": "terlambat",
    "susulan": "ada susulan",
    "koreksi": "ada koreksi",
}
DOC_B2_HEADERS = (
    "NO",
    "NAMA LENGKAP / PANGGILAN",
    "TEMPAT LAHIR",
    "TANGGAL LAHIR",
    "JENIS KELAMIN",
    "KEWARGA-NEGARAAN",
    "DATANG DARI",
    "TANGGAL",
    "PINDAH KE",
    "TANGGAL",
    "MENINGGAL (TEMPAT)",
    "TANGGAL",
    "KET",
)
DOC_B2_GROUPS = (("PENAMBAHAN", 7, 8), ("PENGURANGAN", 9, 12))
DOC_B2_EMPTY = "Tidak ada mutasi penduduk bulan ini."
DOC_B2_CANCELLED = "batal ({receipt})"
DOC_B2_KET = {"datang": "datang", "pindah": "pindah", "meninggal": "meninggal", "head": "kepala keluarga"}
DOC_SUSULAN = "susulan"
DOC_KOREKSI = "koreksi"
DOC_BIRTHS_TITLE = "DAFTAR KELAHIRAN"
DOC_BIRTHS_HEADERS = (
    "NO",
    "NAMA",
    "JK",
    "TEMPAT LAHIR",
    "TANGGAL LAHIR",
    "AYAH",
    "IBU",
    "WARGA NEGARA",
    "PEMANGKU",
    "KET",
)
DOC_BIRTHS_EMPTY = "Tidak ada kelahiran bulan ini."
DOC_COMPLETENESS_TITLE = "KELENGKAPAN LAPORAN PEMANGKU"
DOC_COMPLETENESS_HEADERS = ("NO", "PEMANGKU", "STATUS", "TERLAMBAT", "TANGGAL LAPOR")
DOC_COMPLETENESS_STATUS: dict[str | None, str] = {"submitted": "lapor", "nihil": "nihil"}
DOC_COMPLETENESS_SUMMARY = "{submitted} lapor, {nihil} nihil, {late} terlambat, {missing} {missing_word}"
DOC_YES = "ya"
DOC_NOTES_TITLE = "CATATAN SUSULAN DAN KOREKSI"
DOC_NOTES_HEADERS = ("NO", "TANDA TERIMA", "PEMANGKU", "PERISTIWA", "TANGGAL PERISTIWA", "CATATAN")
DOC_NOTES_EMPTY = "Tidak ada laporan susulan atau koreksi bulan ini."
DOC_NOTE_SUSULAN = "susulan: peristiwa bulan lalu, dicatat bulan ini"
DOC_NOTE_CORRECT = "koreksi atas {corrects}: {reason}"
DOC_NOTE_CANCEL = "pembatalan {corrects}: {reason}"
DOC_KINDS = {"lahir": "Lahir", "meninggal": "Meninggal", "datang": "Datang", "pindah": "Pindah"}
DOC_ROLLUP_TITLE = "REKAPITULASI JUMLAH PENDUDUK KECAMATAN"
DOC_ROLLUP_HEADERS = (
    "NO",
    "{village_upper}",
    "PEMANGKU",
    "LAPOR",
    "NIHIL",
    "TIDAK LAPOR",
    "AWAL (JIWA)",
    "LAHIR",
    "DATANG",
    "MENINGGAL",
    "PINDAH",
    "AKHIR (JIWA)",
    "AKHIR (KK)",
    "STATUS",
)
DOC_ROLLUP_CLOSED = "ditutup r{revision}"
DOC_ROLLUP_OPEN = "terbuka"
DOC_SHEET_B3 = "B.3 Rekapitulasi"
DOC_SHEET_B2 = "B.2 Mutasi"
DOC_SHEET_BIRTHS = "Kelahiran"
DOC_SHEET_NOTES = "Kelengkapan & Catatan"
DOC_SHEET_ROLLUP = "Rekap Kecamatan"
DOC_PAGE = "Halaman {page} dari {pages}"

# `pemangku demo`: the month routine on a simulated clock (bot/demo_routine.py)
DEMO_ROUTINE_TITLE = (
    "=== Rutinitas bulanan {bulan}: pengingat, eskalasi, tutup bulan, rekap (jam disimulasikan) ==="
)
DEMO_MORNING = "--- {tanggal}, 07.00 WIB: tugas terjadwal berjalan ---"
DEMO_ANSWERS = "--- 09.00 WIB: {name} membalas pengingat lewat konsol ---"
DEMO_FILES = "Berkas B.2/B.3 dan rekap kecamatan ditulis ke {folder}:"

# `pemangku jobs run` (bot/commands/jobs.py)
JOBS_RAN = "{name}: {count} tindakan pada {at} WIB."
# The month a person names, and which months exist (handlers/months.py, handlers/month_names.py)
MONTH_UNKNOWN = (
    'Maaf, "{typed}" belum saya kenali sebagai bulan. Contoh: REKAP NOVEMBER, STATUS 2026-10, '
    "REKAP 10/2026, REKAP BULAN LALU."
)
MONTH_FUTURE = "Bulan {bulan} belum tiba, jadi belum ada datanya."
MONTH_BEFORE_START = "Belum ada data untuk {bulan}: laporan dimulai bulan {mulai}."
CAMAT_NOT_STARTED = ": laporan mulai {bulan}"
CAMAT_NO_UNITS = ": belum ada pemangku terdaftar"
STATUS_NOT_STARTED = "Laporan pemangku {unit} belum dimulai."

# One word for a unit without a report, in chat and in the books alike: while the month is open it
# may still come ("belum lapor"); once the month is closed it did not ("tidak lapor").
MISSING_WORD = {False: "belum lapor", True: "tidak lapor"}

# Buttons answer only the question they were sent with (handlers/questions.py, issue 11 item 1)
STALE_CHOICE = "Tombol itu dari pertanyaan sebelumnya, jadi tidak saya pakai. Ini pertanyaan sekarang:"
CHOSEN_MARK = "{text}\n\n➜ {label} ✓"
DUPLICATE_FLAG = (
    "⚠️ Kemungkinan sudah pernah dilaporkan: {name} ({kind}, tanda terima {receipt}). "
    "Kalau memang orang yang berbeda, pilih Tetap simpan."
)
DUPLICATE_CHOICES = {"tetap simpan": "Tetap simpan", "ubah": "Ubah", "batal": "Batal"}
DUPLICATE_NEEDS_CONFIRMATION = (
    "Laporan ini mirip laporan yang sudah ada. Untuk tetap menyimpan, pilih Tetap simpan."
)

# The dashboard's words for the query layer's enums (models/dashboard*.py, jobs/nudge.py)
DASHBOARD_STATUS = {
    "on_time": "Lapor tepat waktu",
    "late": "Lapor terlambat",
    "nihil": "NIHIL",
    "missing": "Tidak lapor",
    "not_due": "Belum jatuh tempo",
}
DASHBOARD_OPEN_CELL = "{done} dari {units} unit sudah lapor"
DASHBOARD_UNIT_STATE = {"submitted": "Sudah kirim", "nihil": "NIHIL", "missing": "Belum lapor"}
DASHBOARD_HISTORY = {
    "closed": "Ditutup (revisi {revision})",
    "reopened": "Dibuka kembali (revisi {revision}): {reason}",
}
DASHBOARD_HISTORY_BY_SCHEDULE = "jadwal otomatis"
DASHBOARD_NUDGE = {
    "sent": "Pengingat dikirim ke {names}",
    "already_today": "Sudah diingatkan hari ini",
    "reported": "Sudah lapor",
    "no_pemangku": "Belum ada pemangku yang bisa dihubungi",
    "quiet_hours": "Jam tenang ({start:02d}.00-{end:02d}.00 WIB): pengingat belum dikirim, coba lagi nanti",
    "month_closed": "Bulan ini sudah ditutup",
}
DASHBOARD_TREND_SERIES = {
    "population": "Jumlah penduduk",
    "kk": "Jumlah KK",
    "births": "Lahir",
    "deaths": "Meninggal",
    "moves_in": "Datang",
    "moves_out": "Pindah",
}

# Beneficiary lists checked against the ledger (issue 14): documents, chat and the close's news
USULAN_TITLE = "USULAN PERBAIKAN DATA PENERIMA BANTUAN"
USULAN_LIST_LINE = "Daftar {program}: per {per}, sumber {source}, {rows} baris, diimpor oleh {by}"
USULAN_NO_LISTS = "Belum ada daftar penerima bantuan untuk {village} ini."
USULAN_PENDING = "{count} kemungkinan kecocokan lain belum diperiksa staf {village} (ketik CEK di chat)."
USULAN_SECTIONS = {
    "meninggal": "PENERIMA YANG MENINGGAL MENURUT LAPORAN PEMANGKU",
    "pindah": "PENERIMA YANG PINDAH KELUAR MENURUT LAPORAN PEMANGKU",
    "ganda": "NIK TERCATAT DUA KALI DALAM SATU DAFTAR",
    "ganda_pekon": "NIK JUGA TERCATAT DI DAFTAR {village_upper} LAIN",
    "nik": "NIK KOSONG ATAU TIDAK SAH",
    "belum_lapor": "PENERIMA DI PEMANGKU YANG BELUM PERNAH LAPOR (BELUM BISA DICEK)",
}
USULAN_EMPTY = "Tidak ada."
USULAN_EVENT_HEADERS = (
    "NO", "PROGRAM", "PEMANGKU", "NAMA DI DAFTAR", "NIK", "BARIS", "TANGGAL", "TANDA TERIMA", "B.2",
    "PELAPOR", "DASAR",
)  # fmt: skip
USULAN_ROW_HEADERS = ("NO", "PROGRAM", "PEMANGKU", "NAMA DI DAFTAR", "NIK", "BARIS", "KETERANGAN")
USULAN_B2 = "{bulan} no. {no}"
USULAN_BASIS = {"certain": "NIK sama", "confirmed": "dicek staf"}
USULAN_DETAIL = {"ganda": "sama dengan baris {detail}", "ganda_pekon": "{detail}", "nik": "NIK {state}"}
USULAN_NIK_STATE = {True: "kosong", False: "tidak sah"}
USULAN_SHEET = "Usulan Perbaikan"
# the month close's news to pekon staff
USULAN_MONTH_NEWS = "{count} penerima {program} {kind} bulan {bulan}: {names}."
USULAN_MONTH_KIND = {"meninggal": "meninggal", "pindah": "pindah keluar"}
USULAN_MONTH_NAME = "{name} (NIK {nik})"
# "cek": probable matches staff confirm or reject
CEK_WORDS = ("cek",)
CEK_NONE = "Tidak ada kecocokan daftar bantuan yang perlu dicek. Terima kasih."
CEK_TITLE = "Kemungkinan kecocokan daftar bantuan yang perlu dicek ({count}):"
CEK_LINE = "{no}. {program}: {name} ↔ {line_name}, {kind} {tanggal} ({receipt})"
CEK_HINT = "Ketik CEK <nomor>, misalnya CEK 1, untuk memeriksa satu."
CEK_UNKNOWN = "Nomor {no} tidak ada di daftar cek. Ketik CEK untuk melihat daftarnya."
CEK_DETAIL = (
    "Cek {no}: apakah ini orang yang sama?\n"
    "Di daftar {program}: {name}, NIK {nik}, lahir {born}, dusun {dusun}\n"
    "Di laporan pemangku: {line_name}, NIK {line_nik}, lahir {line_born}, {sex}, {kind} {tanggal}, "
    "{unit}, tanda terima {receipt}\n"
    "Kemiripan nama {score}%."
)
CEK_CHOICES = {"sama": "Ya, orang sama", "beda": "Bukan", "kembali": "Kembali"}
CEK_CONFIRMED = "Dicatat: {name} di daftar {program} adalah orang yang sama. Masuk usulan perbaikan."
CEK_REJECTED = "Dicatat: {name} di daftar {program} bukan orang itu. Tidak akan ditanyakan lagi."
CEK_ALREADY = "Kecocokan itu sudah diputuskan sebelumnya; tidak ada yang berubah."

# The year: annual recap and the profil pekon's population development (issue 15)
ANNUAL_TITLE = "Rekap tahunan {tahun} · {place}"
ANNUAL_PLACE = {
    "pekon": "{village} {nama} ({kode})",
    "kecamatan": "Kecamatan {nama} ({kode})",
    "kabupaten": "{nama} ({kode})",
    "nasional": "{nama}",
}
ANNUAL_FINAL = "Semua bulan {tahun} sudah ditutup."
ANNUAL_PROVISIONAL = "Angka sementara: {months} belum ditutup."
ANNUAL_OPEN_SOME = "{bulan} ({open} dari {expected} {village})"
ANNUAL_FIGURES = "   Awal {awal} jiwa ({awal_kk} KK) · Akhir {akhir} jiwa ({akhir_kk} KK)"
ANNUAL_MOVES = "   Lahir {lahir} · Datang {datang} · Meninggal {meninggal} · Pindah {pindah}"
ANNUAL_ROW = "{no}. {nama}{months}"
ANNUAL_ROW_MONTHS = " ({months} bulan)"
ANNUAL_TOTAL = "JUMLAH"
ANNUAL_DEVELOPMENT = "Perkembangan Penduduk ({lalu} → {tahun})"
ANNUAL_DEVELOPMENT_LINE = "{label}: {lalu} → {ini} ({change})"
ANNUAL_DEVELOPMENT_LABELS = {
    "laki_laki": "Jumlah laki-laki",
    "perempuan": "Jumlah perempuan",
    "jumlah": "Jumlah total",
    "kk": "Jumlah kepala keluarga",
    "kk_laki_laki": "KK kepala laki-laki",
    "kk_perempuan": "KK kepala perempuan",
}
ANNUAL_UNKNOWN = "-"
ANNUAL_NO_CHANGE = "-"
ANNUAL_HEADS_UNKNOWN = "KK menurut jenis kelamin kepala: belum diketahui (angka awal tanpa rinciannya)."
ANNUAL_LAST_YEAR_NOTE = "Angka tahun lalu = angka awal tahun {tahun} (penutupan Desember {lalu})."
ANNUAL_LAST_YEAR_LATE = "Angka tahun lalu = angka awal {bulan}, bulan pertama data {tahun}."
ANNUAL_MISSED = "Tidak lapor: {items}"
ANNUAL_MISSED_ITEM = "{nama} ({months})"
ANNUAL_MISSED_COUNT = "Bulan tanpa laporan pemangku: {count} (unit × bulan)."
ANNUAL_EMPTY = "Belum ada bulan {tahun} yang ditutup, jadi belum ada rekap tahunan."
ANNUAL_MORE = "… dan {count} baris lagi (lihat berkas rekap tahunan)."
ANNUAL_ASK_YEAR = "Tahun {tahun} belum bisa direkap: belum ada bulan yang ditutup."
ANNUAL_BAD_YEAR = "Tahun itu tidak saya kenali. Contoh: rekap tahun 2026."
ANNUAL_DELIVERY = (
    "📘 Rekap tahunan {tahun} {place} sudah lengkap: semua bulan ditutup. "
    "Akhir tahun {jiwa} jiwa ({kk} KK). Berkas terlampir."
)
ANNUAL_CAPTION = "Rekap tahunan {tahun} {place}"
DOC_ANNUAL_TITLE = "REKAPITULASI JUMLAH PENDUDUK TAHUNAN (B.3)"
DOC_ANNUAL_YEAR_LINE = "TAHUN {tahun}"
DOC_ANNUAL_GROUPS = {
    "JUMLAH PENDUDUK AWAL BULAN": "JUMLAH PENDUDUK AWAL TAHUN",
    "TAMBAHAN BULAN INI": "TAMBAHAN TAHUN INI",
    "PENGURANGAN BULAN INI": "PENGURANGAN TAHUN INI",
    "JUMLAH PENDUDUK AKHIR BULAN": "JUMLAH PENDUDUK AKHIR TAHUN",
}
DOC_ANNUAL_ROW_HEADER = {"pekon": "NAMA DUSUN / PEMANGKU", "kecamatan": "NAMA {village_upper}"}
DOC_ANNUAL_ROW_HEADER_OTHER = "NAMA KECAMATAN"
DOC_ANNUAL_KET_MONTHS = "{months} bulan"
DOC_ANNUAL_KET_MISSING = "{count} tidak lapor"
DOC_ANNUAL_FINAL = "Semua bulan {tahun} sudah ditutup; bulan terakhir ditutup {closed}."
DOC_DEVELOPMENT_TITLE = "PERKEMBANGAN PENDUDUK"
DOC_DEVELOPMENT_HEADERS = ("NO", "URAIAN", "TAHUN LALU ({lalu})", "TAHUN INI ({tahun})", "PERUBAHAN (%)")
DOC_ANNUAL_NOTES_TITLE = "CATATAN"
DOC_ANNUAL_NOTES_EMPTY = "Tidak ada catatan: semua bulan ditutup dan semua pemangku lapor."
DOC_SHEET_ANNUAL = "Rekap Tahunan"
DOC_SHEET_DEVELOPMENT = "Perkembangan"
DOC_SIGN_KABUPATEN = "KEPALA DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"

# --- Beneficiary lists sent in chat as a file (handlers/list_upload.py) ---
UPLOAD_NOT_ALLOWED = (
    "Terima kasih, tetapi berkas hanya dibaca dari staf {village} atau camat (daftar penerima bantuan). "
    "Silakan ketik pesan Anda."
)
UPLOAD_ADMIN_CODE = "Tulis kode {village} atau kecamatan di keterangan berkas, misalnya: PKH 18.04.15.2004"
UPLOAD_WRONG_TYPE = "Maaf, berkas harus CSV atau Excel (.xlsx). Simpan ulang dalam bentuk itu, lalu kirim."
UPLOAD_TOO_BIG = "Maaf, berkas lebih dari {mb} MB. Kirim per {village}, atau minta admin mengimpornya."
UPLOAD_UNAVAILABLE = "Maaf, berkas belum bisa saya ambil. Coba kirim lagi sebentar lagi."
UPLOAD_CORRUPT = "Maaf, berkas rusak di perjalanan. Mohon kirim ulang."
UPLOAD_REFUSED = "Berkas {name} tidak diimpor, tidak ada yang berubah:\n{problems}\nPerbaiki lalu kirim lagi."
UPLOAD_MORE_PROBLEMS = "… dan {count} masalah lagi."
UPLOAD_PROBLEM_LINE = "- baris {line}: {words}"
UPLOAD_PROBLEM_FILE = "- {words}"
UPLOAD_PROBLEMS = {
    "empty_file": "berkas kosong",
    "no_rows": "hanya ada judul kolom, tidak ada data",
    "not_utf8": "berkas bukan UTF-8 (simpan ulang sebagai 'CSV UTF-8')",
    "not_xlsx": "berkas .xlsx rusak atau bukan lembar Excel",
    "missing_column": "kolom {column} tidak ada di baris judul",
    "duplicate_column": "kolom '{column}' muncul dua kali",
    "missing_value": "kolom '{column}' kosong",
    "value_too_long": "kolom '{column}' terlalu panjang",
    "bad_date": "kolom '{column}': tanggal '{value}' tidak terbaca (tulis 13-05-1980)",
    "bad_sex": "kolom '{column}': jenis kelamin '{value}' harus L atau P",
    "unknown_pekon_in_row": "kolom '{column}': '{value}' bukan pekon di kecamatan ini",
    "extra_values": "isian lebih banyak dari judul kolom",
    "field_too_long": "ada isian yang terlalu panjang",
    "unreadable_line": "baris ini tidak terbaca",
    "list_older": "sudah ada daftar program ini per {per}, lebih baru dari berkas ini",
}
UPLOAD_ASK_PROGRAM = "Berkas {name} terbaca: {rows} baris. Daftar program apa ini? Pilih, atau ketik namanya."
UPLOAD_PROGRAMS = {"PKH": "PKH", "PBI-JK": "PBI-JK", "BPNT": "BPNT", "BLT-DD": "BLT-DD", "DTKS": "DTKS"}
UPLOAD_BAD_PROGRAM = "Nama program itu belum saya kenali. Pilih salah satu, atau ketik singkat, misalnya PKH."
UPLOAD_PREVIEW = (
    "Daftar {program} per {per} untuk {place}: {rows} baris.\n"
    "Kolom dikenali: {columns}.{ignored}\n"
    "Impor sekarang? Daftar {program} yang lama diganti (tetap disimpan)."
)
UPLOAD_PREVIEW_IGNORED = "\nKolom diabaikan: {columns}."
UPLOAD_PREVIEW_PLACE = "{village} {pekon}"
UPLOAD_PREVIEW_PLACES = "{count} {village} ({names})"
UPLOAD_CONFIRM_CHOICES = {"ya": "Ya, impor", "tidak": "Batal"}
UPLOAD_CANCELLED = "Baik, berkas tidak diimpor."
UPLOAD_DONE = "✅ Daftar {program} diimpor: {rows} baris ({place}). Temuan usulan perbaikan: {findings}."
UPLOAD_PENDING_ELSEWHERE = "{count} kemungkinan kecocokan menunggu dicek staf {village} (ketik CEK)."

# --- field test 2026-11 (handlers/interrupt.py, handlers/intents.py, names as answers) ---
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
ERRORS["name_command"] = (
    "«{word}» adalah kata perintah, bukan nama, jadi tidak saya catat. Mohon ketik namanya, "
    "misalnya: Siti Aminah."
)
# The bot's own words: typed alone at a name question they are not a name (handlers/parsing.py).
COMMAND_WORDS_EXTRA = ("simpan", "tetap simpan", "kirim", "lapor", "laporan", "lanjut", "lanjutkan",
                       "selesai", "sudah", "belum", "hapus", "koreksi", "daftar", "rekap", "undang", "tutup",
                       "buka")  # fmt: skip
# A correction is not a new report: it says so, and one that changes nothing is not recorded.
CORRECTION_UNCHANGED = (
    "Belum ada yang diubah dari laporan {receipt}, jadi belum ada yang perlu dikoreksi. "
    "Pilih Ubah untuk mengganti bagian yang salah, atau Batal."
)
SAVED_AFTER_SUBMIT_CORRECTION = (
    "Laporan bulan {bulan} sudah Anda kirim sebelumnya; koreksi ini dicatat dan petugas diberi tahu."
)
STAFF_AFTER_SUBMIT_CORRECTION = (
    "Info: {unit} mengoreksi laporan {kind} {original} (nomor koreksi {receipt}) setelah laporan bulan "
    "{bulan} dikirim. Ini koreksi, bukan laporan baru: jumlahnya tidak bertambah."
)
REASON_TOO_SHORT = "Alasannya terlalu singkat. Tulis sedikit lebih jelas, misalnya: salah tulis nama."
