"""Every word the bot says, in Bahasa Indonesia: friendly and short. Code elsewhere never holds
user-facing words; it picks them from here. Each section belongs to one part of the product."""

from __future__ import annotations

# --- conversations (handlers/) -------------------------------------------------------------------

# general (handlers/router.py)
INTERNAL_ERROR = "Maaf, ada gangguan. Data yang sudah tersimpan aman; mohon kirim lagi jawaban terakhir Anda."
UNREGISTERED = (
    "Halo! Nomor ini belum terdaftar. Untuk mendaftar, ketik DAFTAR diikuti kode undangan "
    "dari petugas {village}, misalnya: DAFTAR ABCD-EFGH"
)
UNSUPPORTED = "Maaf, saya hanya bisa membaca pesan teks. Silakan ketik jawaban Anda."
TOO_LONG = "Pesannya terlalu panjang. Mohon ketik jawaban singkat saja."
NOT_UNDERSTOOD = "Maaf, saya belum mengerti. Pilih salah satu menu di bawah, atau ketik BANTUAN."
DRAFT_EXPIRED = "Laporan yang belum selesai sejak lebih dari {hours} jam sudah dihapus. Silakan mulai lagi."
CANCELLED = "Baik, dibatalkan. Tidak ada yang disimpan."
NOTHING_TO_CANCEL = "Tidak ada yang sedang diisi."
WRONG_STATE = "Perintah itu tidak bisa dipakai sekarang."

# registration (handlers/registration.py)
REGISTER_NEED_CODE = "Ketik DAFTAR diikuti kode undangan Anda, misalnya: DAFTAR ABCD-EFGH"
REGISTER_REFUSED = {
    "unknown": "Kode itu tidak dikenal. Periksa lagi kode dari petugas {village}, lalu ketik DAFTAR KODE.",
    "used": "Kode itu sudah dipakai. Minta kode baru kepada petugas {village}.",
    "expired": "Kode itu sudah kedaluwarsa. Minta kode baru kepada petugas {village}.",
    "throttled": "Terlalu banyak percobaan. Silakan coba lagi satu jam lagi.",
    "registered": "Nomor ini sudah terdaftar. Ketik MENU untuk melihat menu.",
    "scope": "Kode itu tidak bisa dipakai. Minta kode baru kepada petugas {village}.",
}
WELCOME_PEMANGKU = "Selamat datang, {name}! Anda terdaftar sebagai pemangku {unit}, {village} {pekon}."
WELCOME_STAFF = "Selamat datang, {name}! Anda terdaftar sebagai petugas {village} {pekon}."
WELCOME_CAMAT = "Selamat datang, {name}! Anda terdaftar untuk Kecamatan {kecamatan}."
WELCOME_ADMIN = "Selamat datang, {name}! Anda terdaftar sebagai admin."

# menus (handlers/menu.py)
MENU_PROMPT = "Silakan pilih:"
MENU_PEMANGKU = {
    "lahir": "Lapor Lahir",
    "meninggal": "Lapor Meninggal",
    "datang": "Lapor Datang",
    "pindah": "Lapor Pindah",
    "kirim": "Kirim Laporan Bulan Ini",
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
    "bantuan": "Bantuan",
}
MENU_CAMAT = {"status": "Status Kecamatan", "bantuan": "Bantuan"}
WORDS_CANCEL = ("batal", "batalkan", "cancel", "/batal", "/cancel")
WORDS_BACK = ("kembali", "balik", "back", "/kembali")
WORDS_MENU = ("menu", "/menu", "/start", "mulai", "halo", "hai", "hi")
WORDS_HELP = ("bantuan", "/help", "/bantuan", "help", "tolong")
WORDS_CHANGE = ("ubah", "ganti", "edit")

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
RECAP_MISSING = "Belum lapor ({count}): {names}"
RECAP_MISSING_MORE = "{names}, dan {count} lagi"
RECAP_ALL_REPORTED = "Semua pemangku sudah lapor."
RECAP_NO_UNITS = "Belum ada pemangku terdaftar."
RECAP_MORE = "… dan {count} pemangku lagi (lihat berkas rekap lengkap)."
RECAP_STATUS = {
    "missing": "belum lapor",
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
TELEGRAM_BUTTON_TAKEN = "Pilihan diterima."
TELEGRAM_BUTTON_STALE = "Tombol ini sudah dipakai. Silakan lihat pesan terbaru."
# the menu shown by Telegram's "/" button: (command, description)
TELEGRAM_COMMANDS = (
    ("menu", "Menu utama"),
    ("lapor", "Laporkan peristiwa"),
    ("kirim", "Kirim laporan bulan ini"),
    ("nihil", "Laporkan NIHIL bulan ini"),
    ("status", "Status laporan"),
    ("batal", "Batalkan isian"),
    ("bantuan", "Bantuan"),
)

# WhatsApp (bot/channels/whatsapp*.py)
WHATSAPP_LIST_BUTTON = "Pilih"  # the button that opens a list: at most 20 characters
WHATSAPP_CHOICES_HINT = "Balas dengan nomor atau kata pilihan."
WHATSAPP_CONTACT_HINT = "Kirim kontak Anda: ketuk 📎 lalu Kontak."

# WhatsApp (bot/channels/whatsapp*.py)
WHATSAPP_LIST_BUTTON = "Pilih"  # the button that opens a list: at most 20 characters
WHATSAPP_CHOICES_HINT = "Balas dengan nomor atau kata pilihan."
WHATSAPP_CONTACT_HINT = "Kirim kontak Anda: ketuk 📎 lalu Kontak."

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
    "Rekap bulan {bulan} Kecamatan {kecamatan} sudah lengkap ditutup: {pekon_count} {village}, "
    "{jiwa} jiwa di akhir bulan. Tabel rekap terlampir."
)
DOCUMENT_CAPTION = "{title} {village} {pekon}, {bulan} (revisi {revision})"
ROLLUP_CAPTION = "Rekap Kecamatan {kecamatan}, {bulan}"

# the documents (jobs/documents): headers follow Permendagri 47/2016
DOC_B3_TITLE = "BUKU REKAPITULASI JUMLAH PENDUDUK"
DOC_B2_TITLE = "BUKU MUTASI PENDUDUK DESA"
DOC_MONTH_LINE = "BULAN {bulan} TAHUN {tahun}"
DOC_PLACE_LINES = ("{village_cap} : {pekon}", "KECAMATAN : {kecamatan}", "KABUPATEN : {kabupaten}")
DOC_REVISION = "Revisi {revision}, ditutup {closed}"
DOC_OPEN = "Angka sementara: bulan belum ditutup"
DOC_SIGN_PLACE = "{pekon}, {tanggal}"
DOC_SIGN_ROLE = "KEPALA {village_upper}"
DOC_SIGN_NAME = "(..............................)"
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
    "missing": "belum lapor",
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
DOC_COMPLETENESS_STATUS = {"submitted": "Lapor", "nihil": "Nihil", None: "Tidak lapor"}
DOC_COMPLETENESS_SUMMARY = "{submitted} lapor, {nihil} nihil, {late} terlambat, {missing} tidak lapor"
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
DOC_PAGE = "Halaman {page}"

# `pemangku jobs run` (bot/commands/jobs.py)
JOBS_RAN = "{name}: {count} tindakan pada {at} WIB."
JOBS_UNKNOWN = "Tugas tidak dikenal: {name}. Pilihan: {names}."
