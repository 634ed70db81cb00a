from safecommune.cli import main

main()
