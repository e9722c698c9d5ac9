"""Custom actions and the fact store behind them."""
