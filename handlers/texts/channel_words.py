"""What the channels add around a reply: Telegram's and WhatsApp's buttons and hints, and the notice to
staff when a person cannot be reached."""

from __future__ import annotations

# to the pekon staff when a person blocked the bot (bot/outbox.py)
CHANNEL_UNREACHABLE_NOTICE = (
    "Pemberitahuan: pesan untuk {name}{unit} tidak bisa dikirim lewat {channel} "
    "(mungkin bot diblokir atau akunnya dihapus). Mohon hubungi langsung dan minta membuka chat "
    "dengan bot lagi."
)
CHANNEL_UNREACHABLE_UNIT = " (pemangku {unit})"
# to the pekon staff when a person's new WhatsApp number is already another person's
# (bot/channels/whatsapp_number.py); the numbers are not said
CHANNEL_NUMBER_TAKEN_NOTICE = (
    "Pemberitahuan: {name}{unit} mengganti nomor WhatsApp, tetapi nomor barunya sudah terdaftar "
    "atas nama orang lain. Nomornya belum dipindahkan. Mohon hubungi langsung untuk memastikan."
)
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
