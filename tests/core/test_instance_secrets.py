"""Instance secrets are created once, even when several processes start on a new instance at once.

Two `flask mailbox poll` runs started together once killed the second with FileExistsError on
instance/audit.key: both saw no file, both tried to create it.
"""
import multiprocessing
import os
import stat

from naskah.config import load_secret
from naskah.core.filemodes import read_or_create


def test_a_file_another_process_created_meanwhile_is_read_not_an_error(tmp_path):
    path = tmp_path / "audit.key"

    def make():
        path.write_text("theirs\n")  # the other process links its file while this one writes
        return "mine"

    assert read_or_create(path, make) == "theirs"
    assert read_or_create(path, lambda: "later") == "theirs"
    assert [p.name for p in tmp_path.iterdir()] == ["audit.key"]  # no temporary left behind


def test_a_new_secret_is_private_and_whole(tmp_path):
    value = load_secret(str(tmp_path / "instance"), "secret_key")
    path = tmp_path / "instance" / "secret_key"
    assert len(value) >= 40 and path.read_text() == value
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_secret(str(tmp_path / "instance"), "secret_key") == value


def _start_together(barrier, folder, queue):
    barrier.wait()
    queue.put(load_secret(folder, "audit.key"))


def test_processes_started_together_all_read_one_secret(tmp_path):
    context = multiprocessing.get_context("fork")
    count = 8
    barrier, queue = context.Barrier(count), context.Queue()
    folder = str(tmp_path / "instance")
    workers = [context.Process(target=_start_together, args=(barrier, folder, queue))
               for _ in range(count)]
    for worker in workers:
        worker.start()
    values = [queue.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join(timeout=30)
    assert [w.exitcode for w in workers] == [0] * count
    assert len(set(values)) == 1 and values[0]
    assert sorted(os.listdir(folder)) == ["audit.key"]
