"""The library network: administrative units, libraries, rotation points, stores."""
