"""torch's CPU ordering algorithms replayed step for step on a list of indices: libstdc++'s
std::sort (introsort), std::partial_sort and std::nth_element (introselect), and the Numerical
Recipes select behind kthvalue. Where elements tie (or NaN breaks the strict weak order) the
order torch returns is whatever these algorithms make of it, so ember runs the same steps."""
from __future__ import annotations

import math

# ---- libstdc++'s std::sort, step for step ------------------------------------------------------
# With NaN rows torch's comparator is not a strict weak order, so the order of the rows it returns
# is whatever GCC's introsort makes of it; this replays that algorithm on a list of indices.

_THRESHOLD = 16


def _std_sort(a: list, less) -> None:
    n = len(a)
    if n > 1:
        _introsort_loop(a, 0, n, 2 * (n.bit_length() - 1), less)
        _final_insertion_sort(a, 0, n, less)


def _introsort_loop(a, first, last, depth, less) -> None:
    while last - first > _THRESHOLD:
        if depth == 0:
            _heap_sort(a, first, last, less)
            return
        depth -= 1
        mid = first + (last - first) // 2
        _move_median_to_first(a, first, first + 1, mid, last - 1, less)
        cut = _unguarded_partition(a, first + 1, last, first, less)
        _introsort_loop(a, cut, last, depth, less)
        last = cut


def _move_median_to_first(a, result, i, j, k, less) -> None:
    if less(a[i], a[j]):
        m = j if less(a[j], a[k]) else k if less(a[i], a[k]) else i
    else:
        m = i if less(a[i], a[k]) else k if less(a[j], a[k]) else j
    a[result], a[m] = a[m], a[result]


def _unguarded_partition(a, first, last, pivot, less) -> int:
    end = last
    while True:
        while first < end and less(a[first], a[pivot]):
            first += 1
        last -= 1
        while last > pivot and less(a[pivot], a[last]):
            last -= 1
        if not first < last:
            return first
        a[first], a[last] = a[last], a[first]
        first += 1


def _heap_sort(a, first, last, less) -> None:
    """std::partial_sort(first, last, last): make_heap, then pop_heap down to one element."""
    n = last - first
    for parent in range((n - 2) // 2, -1, -1):
        _adjust_heap(a, first, parent, n, a[first + parent], less)
    while last - first > 1:
        last -= 1
        value = a[last]
        a[last] = a[first]
        _adjust_heap(a, first, 0, last - first, value, less)


def _adjust_heap(a, first, hole, n, value, less) -> None:
    top = hole
    child = hole
    while child < (n - 1) // 2:
        child = 2 * (child + 1)
        if less(a[first + child], a[first + child - 1]):
            child -= 1
        a[first + hole] = a[first + child]
        hole = child
    if n % 2 == 0 and child == (n - 2) // 2:
        child = 2 * (child + 1)
        a[first + hole] = a[first + child - 1]
        hole = child - 1
    parent = (hole - 1) // 2
    while hole > top and less(a[first + parent], value):
        a[first + hole] = a[first + parent]
        hole = parent
        parent = (hole - 1) // 2
    a[first + hole] = value


def _final_insertion_sort(a, first, last, less) -> None:
    if last - first > _THRESHOLD:
        _insertion_sort(a, first, first + _THRESHOLD, less)
        for i in range(first + _THRESHOLD, last):
            _linear_insert(a, i, first, less)
    else:
        _insertion_sort(a, first, last, less)


def _insertion_sort(a, first, last, less) -> None:
    for i in range(first + 1, last):
        if less(a[i], a[first]):
            a[first:i + 1] = [a[i]] + a[first:i]
        else:
            _linear_insert(a, i, first, less)


def _linear_insert(a, last, lowest, less) -> None:
    value = a[last]
    while last > lowest and less(value, a[last - 1]):
        a[last] = a[last - 1]
        last -= 1
    a[last] = value


def _partial_sort(a: list, middle: int, less) -> None:
    """std::partial_sort(begin, begin + middle, end): heap-select, then sort the heap."""
    _heap_select(a, 0, middle, len(a), less)
    last = middle
    while last > 1:
        last -= 1
        value = a[last]
        a[last] = a[0]
        _adjust_heap(a, 0, 0, last, value, less)


def _heap_select(a, first, middle, last, less) -> None:
    n = middle - first
    for parent in range((n - 2) // 2, -1, -1):
        _adjust_heap(a, first, parent, n, a[first + parent], less)
    for i in range(middle, last):
        if less(a[i], a[first]):
            value = a[i]
            a[i] = a[first]
            _adjust_heap(a, first, 0, n, value, less)


def _nth_element(a: list, nth: int, less) -> None:
    """std::nth_element: libstdc++'s introselect."""
    first, last = 0, len(a)
    depth = 2 * (last.bit_length() - 1)
    while last - first > 3:
        if depth == 0:
            _heap_select(a, first, nth + 1, last, less)
            a[first], a[nth] = a[nth], a[first]
            return
        depth -= 1
        _move_median_to_first(a, first, first + 1, first + (last - first) // 2, last - 1, less)
        cut = _unguarded_partition(a, first + 1, last, first, less)
        if cut <= nth:
            first = cut
        else:
            last = cut
    _insertion_sort(a, first, last, less)


def _quick_select(v: list, perm: list, k: int) -> None:
    """torch's kthvalue selection (Numerical Recipes' select, median-of-three pivot) on the
    values v, moving the indices perm alongside, NaN greatest."""
    def gt(a, b):
        return a > b or (math.isnan(a) and not math.isnan(b))

    def swap(i, j):
        v[i], v[j] = v[j], v[i]
        perm[i], perm[j] = perm[j], perm[i]
    lo, hi = 0, len(v) - 1
    while hi > lo:
        if hi == lo + 1:
            if gt(v[lo], v[hi]):
                swap(lo, hi)
            return
        swap(lo + (hi - lo) // 2, lo + 1)
        for i, j in ((lo + 1, hi), (lo, hi), (lo + 1, lo)):
            if gt(v[i], v[j]):
                swap(i, j)
        i, j, pivot = lo + 1, hi, v[lo]
        while True:
            i += 1
            while gt(pivot, v[i]):
                i += 1
            j -= 1
            while gt(v[j], pivot):
                j -= 1
            if j < i:
                break
            swap(i, j)
        swap(lo, j)
        if j <= k:
            lo = i
        if j >= k:
            hi = j - 1
