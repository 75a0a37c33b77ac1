"""The office PC's window (tkinter, in the standard library): the server's state, addresses with QR codes,
devices, printers, SMS, today's counts, and the buttons a clerk needs.

Every widget is made once; refresh() rewrites their texts from the server's state twice a second, so a
language switch or a new state shows at once. The buttons call the same functions as the control socket.
"""
import base64
import time
import tkinter as tk
import webbrowser
from tkinter import font as tkfont
from tkinter import ttk

import segno

from server.desktop import panels
from server.desktop.texts import Words

QR_SCALE = 4


def qr_image(url):
    """A PhotoImage of the address's QR code (Tk 8.6 reads PNG; segno writes it)."""
    png = segno.make(url, error='m').png_data_uri(scale=QR_SCALE, border=2)
    return tk.PhotoImage(data=base64.b64decode(png.split(',', 1)[1]))


class Window:
    """The main window; `office` is the controller (server/desktop/app.py) the buttons act on."""

    def __init__(self, root, office):
        self.root, self.office = root, office
        self.words = Words()
        self.texts = []         # (widget, msgid): labels and buttons rewritten on a language switch
        self.images = []        # PhotoImages must stay referenced or Tk drops them
        self.notice = None      # (text, colour, until): "Copied" for a few seconds
        root.title(self.words('Lượt: máy chủ một cửa'))
        root.minsize(900, 600)
        self._fonts()
        outer = ttk.Frame(root, padding=16)
        outer.pack(fill='both', expand=True)
        self._header(outer)
        body = ttk.Frame(outer)
        body.pack(fill='both', expand=True, pady=(12, 0))
        self._addresses(body)
        self._office(body)
        self._footer(outer)
        self.refresh()

    def _fonts(self):
        base = tkfont.nametofont('TkDefaultFont')
        base.configure(size=12)
        tkfont.nametofont('TkTextFont').configure(size=12)
        self.big = base.copy()
        self.big.configure(size=22, weight='bold')
        self.heading = base.copy()
        self.heading.configure(size=14, weight='bold')
        self.address_font = base.copy()
        self.address_font.configure(size=16, weight='bold')
        style = ttk.Style(self.root)
        if style.theme_use() == 'default':    # X11's plain theme draws a tiny checkbox; Windows keeps its own
            style.theme_use('clam')
        background = style.lookup('TFrame', 'background')     # plain Tk labels on the theme's own colour
        self.root.option_add('*Label.background', background)
        self.root.option_add('*Frame.background', background)
        style.configure('TButton', padding=(10, 6))
        style.configure('TCheckbutton', indicatorsize=18, indicatormargin=(0, 0, 8, 0))     # a box a clerk sees
        style.configure('Heading.TLabel', font=self.heading)

    def _text(self, widget, msgid):
        self.texts.append((widget, msgid))
        widget.configure(text=self.words(msgid))
        return widget

    def _header(self, parent):
        row = ttk.Frame(parent)
        row.pack(fill='x')
        self.state_label = tk.Label(row, font=self.big, anchor='w')
        self.state_label.pack(side='left')
        self.language = ttk.Button(row, command=self.switch_language)
        self._text(self.language, 'English').pack(side='right')
        self.stop_button = ttk.Button(row, command=self.office.stop)
        self._text(self.stop_button, 'Dừng').pack(side='right', padx=6)
        self.start_button = ttk.Button(row, command=self.office.start)
        self._text(self.start_button, 'Khởi động').pack(side='right', padx=6)
        self.reason = ttk.Label(parent, foreground='#c5221f', wraplength=860)
        self.reason.pack(fill='x')
        hint = ttk.Label(parent, foreground='#3c4043')
        self._text(hint, 'Các màn hình, máy lấy số và quầy chỉ chạy khi máy chủ đang phục vụ.').pack(fill='x')

    def _addresses(self, parent):
        frame = ttk.Frame(parent)
        frame.pack(side='left', fill='y', padx=(0, 24))
        self._text(ttk.Label(frame, style='Heading.TLabel'), 'Địa chỉ trong mạng nội bộ').pack(anchor='w')
        self._text(ttk.Label(frame, wraplength=420), 'Quét mã bằng điện thoại hoặc gõ địa chỉ vào trình duyệt của '
                   'máy khác.').pack(anchor='w', pady=(0, 8))
        self.address_urls = []
        for url in self.office.addresses():
            self.address_urls.append(url)
            row = ttk.Frame(frame)
            row.pack(anchor='w', pady=4)
            image = qr_image(url)
            self.images.append(image)
            tk.Label(row, image=image, background='white').pack(side='left')
            column = ttk.Frame(row)
            column.pack(side='left', padx=12)
            tk.Label(column, text=url, font=self.address_font).pack(anchor='w')
            button = ttk.Button(column, command=lambda url=url: self.copy(url))
            self._text(button, 'Sao chép').pack(anchor='w', pady=(6, 0))

    def _office(self, parent):
        frame = ttk.Frame(parent)
        frame.pack(side='left', fill='both', expand=True)
        self.devices = self._section(frame, 'Thiết bị đang kết nối')
        self.printers = self._section(frame, 'Máy in', tk.Frame)
        self.printer_lines = None
        self.sms = self._section(frame, 'Cổng SMS')
        self._text(ttk.Label(frame, style='Heading.TLabel'), 'Hôm nay').pack(anchor='w', pady=(10, 2))
        grid = ttk.Frame(frame)
        grid.pack(anchor='w')
        self.today = []
        for column in range(len(panels.TODAY)):
            number = tk.Label(grid, font=self.big, width=4)
            number.grid(row=0, column=column, padx=6)
            label = ttk.Label(grid, wraplength=110, justify='center')
            label.grid(row=1, column=column, padx=6, sticky='n')
            self.today.append((number, label))

    def _section(self, parent, msgid, kind=None):
        self._text(ttk.Label(parent, style='Heading.TLabel'), msgid).pack(anchor='w', pady=(10, 2))
        body = kind(parent) if kind else tk.Label(parent, justify='left', anchor='w', wraplength=440)
        body.pack(anchor='w', padx=(12, 0))
        return body

    def _footer(self, parent):
        row = ttk.Frame(parent)
        row.pack(fill='x', pady=(16, 0))
        for key, msgid in (('console', 'Mở trang quản trị'), ('board', 'Mở bảng hiển thị'), ('kiosk', 'Mở máy lấy số')):
            button = ttk.Button(row, command=lambda key=key: self.open_page(key))
            self._text(button, msgid).pack(side='left', padx=(0, 8))
        self.autostart = tk.BooleanVar(value=self.office.autostart_enabled())
        check = ttk.Checkbutton(row, variable=self.autostart, command=self.toggle_autostart)
        self._text(check, 'Khởi động cùng máy tính').pack(side='right')
        self.folder = ttk.Label(parent, foreground='#5f6368')
        self.folder.pack(fill='x', pady=(8, 0))

    def refresh(self):
        """Rewrite every text from the server's state (called twice a second, and on a language switch)."""
        state, overview = self.office.state(), self.office.overview()
        words, colour = panels.STATES[state]
        self.state_label.configure(text='● ' + self.words(words), foreground=colour)
        notice = self.notice if self.notice and self.notice[2] > time.monotonic() else None
        if state == 'failed':
            self.reason.configure(text=self.office.failure(), foreground='#c5221f')
        else:
            self.reason.configure(text=notice[0] if notice else '', foreground=notice[1] if notice else '#c5221f')
        self.start_button.state(['disabled' if state in ('running', 'starting', 'stopping') else '!disabled'])
        self.stop_button.state(['disabled' if state in ('stopped', 'failed', 'stopping') else '!disabled'])
        self.devices.configure(text='\n'.join(panels.device_lines(overview, self.words)))
        self._printer_rows(panels.printer_lines(overview, self.words))
        sms, sms_colour = panels.sms_line(overview, self.words)
        self.sms.configure(text=sms, foreground=sms_colour or '#202124')
        for (number, label), (title, figure) in zip(self.today, panels.today_figures(overview, self.words)):
            number.configure(text=figure)
            label.configure(text=title)
        self.folder.configure(text='%s: %s' % (self.words('Thư mục dữ liệu'), self.office.data_dir))

    def _printer_rows(self, lines):
        """One label per printer, so that only the one in trouble is red (rebuilt only when they change)."""
        if lines == self.printer_lines:
            return
        self.printer_lines = lines
        for child in self.printers.winfo_children():
            child.destroy()
        for text, colour in lines:
            tk.Label(self.printers, text=text, foreground=colour or '#202124', anchor='w').pack(anchor='w')

    def shown(self):
        """What the window shows now, read from its widgets (the control socket's "status")."""
        return {'title': self.root.title(), 'state_text': self.state_label.cget('text'),
                'addresses': list(self.address_urls), 'devices': self.devices.cget('text'),
                'printers': '\n'.join(text for text, _colour in self.printer_lines or ()), 'sms': self.sms.cget('text'),
                'today': [number.cget('text') for number, _label in self.today],
                'autostart': bool(self.autostart.get()), 'visible': self.root.state() != 'withdrawn',
                'language': self.words.language}

    def switch_language(self):
        """Vietnamese <-> English, every text at once."""
        self.words.switch()
        self.root.title(self.words('Lượt: máy chủ một cửa'))
        for widget, msgid in self.texts:
            widget.configure(text=self.words(msgid))
        self.refresh()

    def copy(self, url):
        """Put the address on the clipboard, and say so on the status line."""
        self.root.clipboard_clear()
        self.root.clipboard_append(url)
        self.notice = ('%s: %s' % (self.words('Đã sao chép'), url), '#1b7f3b', time.monotonic() + 4)
        self.refresh()

    def open_page(self, key):
        """The console, the board or the kiosk in this PC's browser."""
        webbrowser.open(panels.page_urls(self.office.local_url())[key])

    def toggle_autostart(self):
        """The checkbox: add or remove the autostart entry; a refusal is said and the box put back."""
        wanted = bool(self.autostart.get())
        try:
            self.office.set_autostart(wanted)
        except OSError as error:
            self.autostart.set(not wanted)
            from tkinter import messagebox
            messagebox.showerror(self.words('Không ghi được mục khởi động cùng máy tính'), str(error),
                                 parent=self.root)

    def show(self):
        """Bring the window forward (a second launch, or the tray)."""
        self.root.deiconify()
        self.root.lift()
        self.root.attributes('-topmost', True)
        self.root.after(300, lambda: self.root.attributes('-topmost', False))
        self.root.focus_force()
