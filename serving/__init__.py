"""Starting the Rasa server lean (serving/run_rasa.py, with rasa_internals/)."""
