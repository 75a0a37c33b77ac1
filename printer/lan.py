"""Where a network printer may be: the office's own LAN (a private or loopback IPv4 address).

An admin's printer URI must not become a way to reach other machines on the internet from the
server, so IP literals outside the LAN are refused when entered and host names are looked up both
when entered and on every connection (a name re-pointed since it was set is not followed).
"""
import ipaddress
import re
import socket
import threading

OUTSIDE_LAN = 'chỉ in tới máy in trong mạng nội bộ: 192.168.x.x, 10.x.x.x, 172.16-31.x.x hoặc 127.0.0.1'
_NOT_A_HOST = ipaddress.ip_network('0.0.0.0/8')
# A host name as a person types it (a printer's or an SMS server's): letters, digits, dots and hyphens.
HOST_NAME = re.compile(r'^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$')


def is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def is_office_address(address: str) -> bool:
    """Whether a printer may be reached at this IP address: a private (LAN) or loopback one."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return ((ip.is_private or ip.is_loopback) and not (ip.is_unspecified or ip.is_reserved or ip.is_multicast)
            and ip not in _NOT_A_HOST)


def resolve(host: str, port: int) -> list:
    """The IPv4 addresses of a host name ([] when it is not found)."""
    try:
        infos = socket.getaddrinfo(host, port, socket.AF_INET, socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        return []
    return list(dict.fromkeys(info[4][0] for info in infos))


def resolve_within(host: str, port: int, timeout: float) -> list:
    """resolve(), waiting at most `timeout` seconds ([] if the lookup takes longer): a person is waiting."""
    found = []
    lookup = threading.Thread(target=lambda: found.append(resolve(host, port)), name='luot-printer-lookup',
                              daemon=True)
    lookup.start()
    lookup.join(timeout)
    return found[0] if found else []
