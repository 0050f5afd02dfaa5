"""The monthly documents: B.3 and B.2 of a pekon and the kecamatan roll-up, as XLSX and PDF."""
