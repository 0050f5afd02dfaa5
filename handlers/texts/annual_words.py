"""The year: the annual recap in chat, its delivery and its book, and the profil pekon's population
development (issue 15)."""

from __future__ import annotations

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
DOC_SHEET_ANNUAL = "Rekap Tahunan"
DOC_SHEET_DEVELOPMENT = "Perkembangan"
DOC_SIGN_KABUPATEN = "KEPALA DINAS KEPENDUDUKAN DAN PENCATATAN SIPIL"
