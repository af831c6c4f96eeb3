from mentormatch.entry import main

main()
