"""Beneficiary lists checked against the ledger (issue 14): the proposed corrections, the staff's
"cek" of probable matches, and a list sent in chat as a file."""

from __future__ import annotations

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
# "cek": probable matches staff confirm or reject (handlers/beneficiary.py)
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
# a list sent in chat as a file (handlers/list_upload.py)
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
