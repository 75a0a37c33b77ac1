"""Board media: images and short videos uploaded in the console and played on the boards between calls.

files.py checks an upload by its content and keeps it under the data folder's media/; items.py writes the rows
and says which boards show what.
"""
