-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA512

{"critical":{"identity":{"docker-reference":"example.com/imgtrust/test:v1"},"image":{"docker-manifest-digest":"sha256:0b3dbd8e2ea6d6e4c0f8c3a5b2f9e7d1a4c6b8e0f2d4a6c8e0b2d4f6a8c0e2d4"},"type":"atomic container signature"},"optional":{"creator":"regenerate-openpgp.sh"}}
-----BEGIN PGP SIGNATURE-----

iQEzBAEBCgAdFiEE7+oIk3QsW7zMv+ixjGJS8W3xdXUFAmsUBAMACgkQjGJS8W3x
dXUPRQf+KqbFwAwcTFWCUWaUItGp3VFI3w98P+Xsxsnrhzlj6MNkJcNTd4chRRZF
rFWPukUEiim/mWHyws+ezc50nN7O82zmYgEU8hsBbGzw3p88XSifxHpkIQz7N6qO
WJK/hlAOLwoj0fPZ9kCU2ad5Y5E19P1b4eEfnZfz2Z/viy0yHSXSAvslcWZlIrCU
7hcvN4K7DSJYozfg+MWb5j0O31zrjVspObJKEUAALltYJcYALWJ28nZmFYrNoo2m
eYJW1j4+1Shjj6JmhTlDYeTwxtpjbzCO8tiR6OBZ4RU1pTyE3NKVsJAsFibzuN0D
tLUL8W85MCuRPGvmmQTqPozGN5OCsQ==
=adtW
-----END PGP SIGNATURE-----
