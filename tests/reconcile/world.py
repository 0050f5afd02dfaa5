"""A generator of realistic beneficiary lists from a seeded ledger: typos in names, honorifics,
swapped first and last names, upper case, missing and mistyped NIKs, missing birth dates,
duplicated rows, and people who never appear in the ledger. Every row knows whom it was made from,
so tests can measure the matcher's precision and recall."""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta

from models.event import EventKind


def words(text: str) -> list[str]:
    """The names in a line of text."""
    return text.split()


FIRST_L = words(
    "Sukardi Slamet Budi Agus Joko Wahyu Heru Bambang Dedi Rudi Hendra Andi Yusuf Darto Suparman "
    "Sutrisno Rahmat Ahmad Iwan Eko Teguh Supri Hasan Imam Fajar Rizki Arif Gunawan Hadi Yanto "
    "Sugeng Paijo Karyono Margono Sumadi Tarno Wagiman Sahroni Ismail Zainal Mulyadi Asep Dadang"
)
FIRST_P = words(
    "Siti Sri Wartini Ratna Sari Dewi Yuni Lestari Rina Nur Wulan Endang Suharti Aminah Fatimah "
    "Kartini Mulyani Tuti Yati Ani Ningsih Rohmah Umi Indah Puji Lina Marni Sumarni Rukmini Juariah "
    "Painem Tukinem Sulastri Rusmini Mardiyah Nurhayati Komariah Sumiati Eni Atun Cucu Iis Neneng"
)
LAST = words(
    "Wijaya Saputra Santoso Hidayat Kurniawan Setiawan Pratama Nugroho Rahman Susanto Purnomo "
    "Haryanto Lubis Siregar Harahap Fauzi Hakim Maulana Syahputra Ramadhan Wibowo Utomo Hartono "
    "Suryadi Permana Hasibuan Nasution Gultom Effendi Rosyid Saleh Anwar Sudrajat Firmansyah Kusuma"
)
HONORIFICS = ("H.", "Hj.", "Alm.", "Bpk.", "Ibu", "Bapak", "Almh.")
REGIONS = ("180415", "180401", "180412", "187101")


@dataclass(frozen=True)
class LedgerPerson:
    """A person line the seeded ledger will hold."""

    key: int
    kind: EventKind
    name: str
    sex: str
    birth_date: date
    nik: str | None
    event_date: date


@dataclass(frozen=True)
class ListRow:
    """A generated list row and the ledger person it was made from (None: never in the ledger)."""

    truth: int | None
    name: str
    nik: str | None
    birth_date: date | None
    sex: str | None


def make_nik(rng: random.Random, sex: str, born: date) -> str:
    """A valid NIK: region, birth date (day + 40 for women), a sequence that is not 0000."""
    day = born.day + (40 if sex == "P" else 0)
    return f"{rng.choice(REGIONS)}{day:02d}{born:%m%y}{rng.randint(1, 9999):04d}"


def _name(rng: random.Random, sex: str) -> str:
    first = rng.choice(FIRST_P if sex == "P" else FIRST_L)
    if rng.random() < 0.15:
        return first  # many Indonesians have one name
    middle = f" {rng.choice(FIRST_P if sex == 'P' else FIRST_L)}" if rng.random() < 0.2 else ""
    return f"{first}{middle} {rng.choice(LAST)}"


def ledger_people(rng: random.Random, count: int, today: date = date(2026, 11, 20)) -> list[LedgerPerson]:
    """Deaths, moves out, moves in and births of one pekon, most with a NIK (newborns have none)."""
    people = []
    kinds = (EventKind.MENINGGAL, EventKind.PINDAH, EventKind.DATANG, EventKind.LAHIR)
    for key in range(count):
        kind = rng.choices(kinds, weights=(3, 3, 2, 2))[0]
        sex = rng.choice("LP")
        event = today - timedelta(days=rng.randint(0, 300))
        born = (
            event
            if kind == EventKind.LAHIR
            else date(rng.randint(1935, 2005), rng.randint(1, 12), rng.randint(1, 28))
        )
        nik = None if kind == EventKind.LAHIR or rng.random() < 0.15 else make_nik(rng, sex, born)
        people.append(LedgerPerson(key, kind, _name(rng, sex), sex, born, nik, event))
    return people


def _typo(rng: random.Random, name: str) -> str:
    words = name.split()
    i = max(
        range(len(words)), key=lambda n: len(words[n])
    )  # a long word: short ones get dropped letters rarely
    word = words[i]
    pos = rng.randint(1, len(word) - 1)
    swaps = {"i": "y", "y": "i", "u": "oe", "j": "dj", "a": "e", "o": "u", "h": "", "d": "t", "t": "d"}
    letter = word[pos].lower()
    words[i] = word[:pos] + swaps.get(letter, letter * 2) + word[pos + 1 :]
    return " ".join(words)


def _mistype(rng: random.Random, nik: str) -> str:
    digits = list(nik)
    for pos in rng.sample(range(12, 16), rng.randint(1, 2)):  # the sequence: the date stays plausible
        digits[pos] = str((int(digits[pos]) + rng.randint(1, 9)) % 10)
    return "".join(digits)


def _noisy(rng: random.Random, person: LedgerPerson) -> ListRow:
    name = person.name
    if rng.random() < 0.2:
        name = _typo(rng, name)
    if rng.random() < 0.1 and " " in name:
        first, *rest = name.split()
        name = " ".join([*rest, first])
    if rng.random() < 0.2:
        name = f"{rng.choice(HONORIFICS)} {name}"
    if rng.random() < 0.5:
        name = name.upper()
    nik = person.nik
    roll = rng.random()
    if nik is not None and roll < 0.15:
        nik = None
    elif nik is not None and roll < 0.25:
        nik = _mistype(rng, nik)
    born = person.birth_date if rng.random() < 0.7 else None
    sex = person.sex if rng.random() < 0.5 else None
    return ListRow(person.key, name, nik, born, sex)


def _stranger(rng: random.Random) -> ListRow:
    sex = rng.choice("LP")
    born = date(rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28))
    nik = make_nik(rng, sex, born) if rng.random() < 0.9 else None
    return ListRow(None, _name(rng, sex).upper(), nik, born if rng.random() < 0.7 else None, sex)


def noisy_list(
    rng: random.Random, people: list[LedgerPerson], share: float = 0.6, strangers: int = 200
) -> list[ListRow]:
    """A list holding `share` of the ledger's adults (noisy), strangers, and a few duplicated rows."""
    adults = [p for p in people if p.kind != EventKind.LAHIR]
    rows = [_noisy(rng, p) for p in adults if rng.random() < share]
    rows += [_stranger(rng) for _ in range(strangers)]
    rows += [replace(row) for row in rng.sample(rows, max(1, len(rows) // 30))]  # a row typed twice
    rng.shuffle(rows)
    return rows


def list_csv(rows: list[ListRow], dusun: str | None = None) -> bytes:
    """The rows as a list file the way a kabupaten sends it (OpenSID's column names)."""
    lines = ["No;No. Peserta;NIK;Nama;Tempat Lahir;Tgl. Lahir;JK;Dusun"]
    for n, row in enumerate(rows, 1):
        born = f"{row.birth_date:%d-%m-%Y}" if row.birth_date else ""
        lines.append(f"{n};P{n:05d};{row.nik or ''};{row.name};Liwa;{born};{row.sex or ''};{dusun or ''}")
    return "\n".join(lines).encode()
