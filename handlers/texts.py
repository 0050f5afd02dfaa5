"""Every word the bot says, in Bahasa Indonesia: friendly and short. Code elsewhere never holds
user-facing words; it picks them from here. Each section belongs to one part of the product."""

from __future__ import annotations

# --- conversations (handlers/) -------------------------------------------------------------------

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

# --- jobs: reminders, escalation, close, recap delivery (jobs/) ----------------------------------
