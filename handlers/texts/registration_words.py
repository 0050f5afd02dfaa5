"""Who a person is: the answer to a stranger, registering with an invite code, the welcome per role,
and confirming a phone number (handlers/registration.py, handlers/phone.py)."""

from __future__ import annotations

# a stranger (handlers/router.py)
UNREGISTERED = (
    "Halo! {account} belum terdaftar. Untuk mendaftar, ketik DAFTAR diikuti kode undangan "
    "dari petugas {village}, misalnya: DAFTAR ABCD-EFGH"
)
# what identifies a person on each channel: a Telegram account has no number
ACCOUNT_WORDS = {"telegram": "Akun Telegram ini", "whatsapp": "Nomor WhatsApp ini", "console": "Akun ini"}
# registration (handlers/registration.py)
REGISTER_NEED_CODE = "Ketik DAFTAR diikuti kode undangan Anda, misalnya: DAFTAR ABCD-EFGH"
# One answer for every code that cannot be used (unknown, used or expired), so a guesser learns nothing;
# staff see the reason with `pemangku invites`.
REGISTER_REFUSED = {
    "unknown": (
        "Kode itu tidak bisa dipakai. Periksa lagi kodenya; bila benar, minta kode baru kepada "
        "petugas {village}."
    ),
    "throttled": "Terlalu banyak percobaan. Silakan coba lagi satu jam lagi.",
    "busy": "Sedang terlalu banyak percobaan pendaftaran. Silakan coba lagi beberapa menit lagi.",
    "registered": (
        "{account} sudah terdaftar atas nama {name}. {scope} Satu nomor atau akun hanya untuk satu "
        "tugas, jadi kode tadi tidak saya pakai; kode itu tetap bisa didaftarkan dari nomor lain. "
        "Ketik MENU untuk melihat menu."
    ),
}
WELCOME = "Selamat datang, {name}! {scope}"
REGISTERED_AS = {  # the scope of a member, said at the welcome and to a second code
    "pemangku": "Anda terdaftar untuk {unit}, {village} {pekon}.",
    "staff": "Anda terdaftar sebagai petugas {village} {pekon}.",
    "camat": "Anda terdaftar untuk Kecamatan {kecamatan}.",
    "admin": "Anda terdaftar sebagai admin.",
}
# the phone number, asked by staff (handlers/phone.py)
PHONE_ASK = (
    "{staff} dari kantor pekon meminta Anda mengonfirmasi nomor HP. Tekan tombol "
    '"Kirim nomor HP saya" di bawah (atau bagikan kontak Anda sendiri).'
)
PHONE_ASKED = "Permintaan konfirmasi nomor HP terkirim ke {count} pemangku."
PHONE_NOT_OWN = 'Itu bukan nomor Anda sendiri. Tekan "Kirim nomor HP saya" untuk membagikan nomor Anda.'
PHONE_SAVED = "Terima kasih! Nomor HP Anda tercatat: {phone}."
