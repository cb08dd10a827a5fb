"""``ddbctl migrate-profiles``: agent profiles from seed 004's JSON files into ``agent-profiles``.

reader (stream records with their source location) -> validate + transform
(one item per record, or a reject with a reason) -> writer (parallel
BatchWriteItem) -> report (counts, rejects file, progress) and checkpoint
(what is durably done, for ``--resume``). runner ties them together.
"""
