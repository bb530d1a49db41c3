#!/usr/bin/env python
from cible.cli import main

if __name__ == "__main__":
    main()
