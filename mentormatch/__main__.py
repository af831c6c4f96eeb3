from mentormatch.cli import main

main()
