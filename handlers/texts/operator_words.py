"""What the command line prints to an operator: `pemangku run`, `outbox`, `demo` and `jobs run`."""

from __future__ import annotations

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
# `pemangku inbound` (bot/commands/inbound.py) and the admins' notice of dead webhook bodies
INBOUND_EMPTY = "Tidak ada pesan masuk yang tertunda atau gagal."
INBOUND_REQUEUED = "{count} pesan masuk dijadwalkan ulang."
INBOUND_NOT_FOUND = "Pesan masuk {id} tidak ada atau tidak sedang gagal (dead)."
INBOUND_DEAD_NOTICE = (
    "Pemberitahuan admin: {count} pesan masuk (webhook) gagal diproses berkali-kali dan tidak dicoba "
    "lagi. Isinya masih tersimpan. Lihat dengan 'pemangku inbound', lalu kirim ulang dengan "
    "'pemangku inbound --retry-dead' setelah masalahnya diperbaiki."
)
# its WhatsApp template's first parameter: "Ada pemberitahuan laporan kependudukan untuk admin bulan ..."
INBOUND_DEAD_TEMPLATE_FOR = "untuk admin"
# `pemangku demo`: the month routine on a simulated clock (bot/demo_routine.py)
DEMO_ROUTINE_TITLE = (
    "=== Rutinitas bulanan {bulan}: pengingat, eskalasi, tutup bulan, rekap (jam disimulasikan) ==="
)
DEMO_MORNING = "--- {tanggal}, 07.00 WIB: tugas terjadwal berjalan ---"
DEMO_ANSWERS = "--- 09.00 WIB: {name} membalas pengingat lewat konsol ---"
DEMO_FILES = "Berkas B.2/B.3 dan rekap kecamatan ditulis ke {folder}:"
# `pemangku jobs run` (bot/commands/jobs.py)
JOBS_RAN = "{name}: {count} tindakan pada {at} WIB."
