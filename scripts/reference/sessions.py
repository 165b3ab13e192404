"""Session cutting for the SHAN and SDM reference checks, in plain Python on float64 times (independent of
memrec's tensor version in src/models/layers/sessions.ts).

`split(times, gap, max_items)` takes one user's window of item times (oldest first) and returns the positions
of the last session and of everything before it: walking back from the last item, an item belongs to the
session of the item after it when their gap is below `gap` seconds, at most `max_items` items in all.
"""


def split(times, gap, max_items):
    start = len(times) - 1
    while start > 0 and len(times) - start < max_items and times[start] - times[start - 1] < gap:
        start -= 1
    return list(range(start)), list(range(start, len(times)))
