"""What the scheduled passes send: reminders, escalation to staff and camat, and the recap delivered
after a month closes."""

from __future__ import annotations

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
