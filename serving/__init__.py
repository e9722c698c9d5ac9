"""Starting the Rasa server lean (see tf_free.py and rasa.py)."""
