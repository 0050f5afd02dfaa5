"""The four reports (birth, death, move in, move out): questions, labels, the summary, the receipt, the
express line read back, duplicates and corrections."""

from __future__ import annotations

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
# Twins in an express line (handlers/express.py): one report per baby, the next asked after Simpan
# (handlers/report_flow.py) with the parents, date and place of the one saved.
TWINS_NOTE = (
    "Bayi kembar {count}: setiap bayi dilaporkan sendiri. Kita isi bayi pertama dulu; sesudah disimpan "
    "saya tanyakan bayi berikutnya, dengan orang tua, tanggal dan tempat yang sama."
)
TWINS_NAMED = (
    "Bayi kembar {count}: setiap bayi dilaporkan sendiri. Kita periksa bayi pertama dulu; sesudah disimpan, "
    "saya siapkan laporan {names} dengan orang tua, tanggal dan tempat yang sama."
)
TWIN_NEXT = "Sekarang bayi kembar ke-{n} dari {of}"
TWIN_SAME = "(ibu {mother}, ayah {father}, lahir {date} di {place}; ketik BATAL bila tidak ada lagi)."
# corrections and duplicates (handlers/report_flow.py, handlers/report_save.py)
CORRECTION_REASON = "Apa alasan koreksinya? (misalnya: salah tulis nama)"
DUPLICATE_FLAG = (
    "⚠️ Kemungkinan sudah pernah dilaporkan: {name} ({kind}, tanda terima {receipt}). "
    "Kalau memang orang yang berbeda, pilih Tetap simpan."
)
DUPLICATE_CHOICES = {"tetap simpan": "Tetap simpan", "ubah": "Ubah", "batal": "Batal"}
DUPLICATE_NEEDS_CONFIRMATION = (
    "Laporan ini mirip laporan yang sudah ada. Untuk tetap menyimpan, pilih Tetap simpan."
)
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
