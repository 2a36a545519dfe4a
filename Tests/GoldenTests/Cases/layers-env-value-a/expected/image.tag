localhost/mino-composed-30a2fdecba20
