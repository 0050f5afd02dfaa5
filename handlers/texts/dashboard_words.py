"""The web dashboard: the sign-in link asked in chat, the pages' own messages, and the labels of the
query layer's enums."""

from __future__ import annotations

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
