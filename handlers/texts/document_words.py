"""The monthly books (jobs/documents): B.3, B.2, births, completeness and notes, and the kecamatan
rollup; headers follow Permendagri 47/2016."""

from __future__ import annotations

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
