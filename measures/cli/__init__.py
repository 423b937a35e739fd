"""The command line, `python -m measures`: init, demo, import, export, assess, history, backup, restore and
user administration. The top layer of `measures`: it may import any other."""
