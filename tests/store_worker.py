"""One process of the concurrency tests of the response store:
`python store_worker.py URL FOLDER NAME COUNT SHARED`.

It says it is ready (FOLDER/ready-NAME), waits for FOLDER/go so that every
worker starts at the same moment, then opens the database with migrations,
gets the setting "secret" (making a random one if there is none), saves
COUNT responses of its own and SHARED responses whose submission ids every
worker uses too, and prints what happened as JSON."""

from __future__ import annotations

import json
import secrets
import sys
import time
from pathlib import Path

from workshop_kit.store import Response, open_database


def main(url: str, folder: str, name: str, count: int, shared: int) -> None:
    folder_path = Path(folder)
    (folder_path / f"ready-{name}").touch()
    deadline = time.monotonic() + 60
    while not (folder_path / "go").exists():
        if time.monotonic() > deadline:
            sys.exit("no go")
        time.sleep(0.002)
    database = open_database(url)
    secret = database.setting("secret", lambda: secrets.token_hex(16))
    own, common = [], []
    for i in range(max(count, shared)):
        if i < count:
            own.append(database.save(Response(f"{name}{i:06x}", "kit", "deck", f"card{i % 3}", "da",
                                              (("q", f"{name} {i}"),))))
        if i < shared:
            common.append(database.save(Response(f"c{i:06x}", "kit", "deck", "shared", "da",
                                                 (("q", f"{name} {i}"),))))
    database.dispose()
    print(json.dumps({"secret": secret, "own": own, "shared": common}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]))
