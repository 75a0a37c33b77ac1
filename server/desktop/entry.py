"""The packaged program's entry (server/desktop/luot.spec): no arguments, or `desktop ...`, open the window;
any other arguments are run.py's command line (the window starts its server child so: `luot --host ...`)."""
import sys


def main():
    """Open the window, or run the command line."""
    arguments = sys.argv[1:]
    if not arguments or arguments[0] == 'desktop':
        from server.desktop import main as open_window
        open_window(arguments[1:])
    else:
        from server import main as command_line
        command_line(arguments)


if __name__ == '__main__':
    main()
