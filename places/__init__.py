"""Places: the 34 provinces and 3,321 communes of 2025, and addresses written any way resolved to
them (`places.resolver`); the one-stop offices of a deployment and the communes each serves
(`places.agencies`). Beside `nlu` and `ocr` in the layers: it imports only `core`."""
