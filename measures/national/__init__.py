"""Importing national comparators: DfE's Local Authority Interactive Tool figures in long form (CSV) and the
statistical neighbour workbooks, each checked into one report of every problem before anything is written."""
