"""Reference solutions of the notebooks' exercises, one module per notebook; the tests run them."""
