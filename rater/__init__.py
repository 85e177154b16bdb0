"""The rating pad (窗口评价器): `python main.py rater --window N`, a small touch screen facing the
citizen at one window."""
