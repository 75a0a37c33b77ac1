"""Closing the window: stop serving (the boards go dark), keep serving in the background, or cancel."""
import tkinter as tk
from tkinter import ttk


def ask_on_close(root, words):
    """'stop', 'keep' or None (cancel), asked in a small modal dialog in front of the window."""
    answer = {'choice': None}
    dialog = tk.Toplevel(root)
    dialog.title(words('Đóng cửa sổ'))
    dialog.transient(root)
    dialog.resizable(False, False)
    frame = ttk.Frame(dialog, padding=20)
    frame.pack(fill='both', expand=True)
    ttk.Label(frame, text=words('Dừng phục vụ hay vẫn phục vụ (chạy nền)?'), style='Heading.TLabel').pack(anchor='w')
    ttk.Label(frame, text=words('Nếu dừng, các màn hình, máy lấy số và quầy sẽ ngừng hoạt động.'),
              wraplength=460).pack(anchor='w', pady=(6, 16))
    row = ttk.Frame(frame)
    row.pack(fill='x')

    def choose(choice):
        answer['choice'] = choice
        dialog.destroy()
    ttk.Button(row, text=words('Dừng phục vụ'), command=lambda: choose('stop')).pack(side='left')
    keep = ttk.Button(row, text=words('Vẫn phục vụ (chạy nền)'), command=lambda: choose('keep'))
    keep.pack(side='left', padx=8)
    ttk.Button(row, text=words('Hủy'), command=lambda: choose(None)).pack(side='right')
    dialog.protocol('WM_DELETE_WINDOW', lambda: choose(None))
    dialog.bind('<Escape>', lambda _event: choose(None))
    keep.focus_set()    # the safe choice: Enter keeps the boards running
    dialog.bind('<Return>', lambda _event: choose('keep'))
    dialog.update_idletasks()     # over the middle of the window, wherever the window manager put it
    x = root.winfo_rootx() + max(0, (root.winfo_width() - dialog.winfo_reqwidth()) // 2)
    y = root.winfo_rooty() + max(0, (root.winfo_height() - dialog.winfo_reqheight()) // 3)
    dialog.geometry('+%d+%d' % (x, y))
    dialog.wait_visibility()
    dialog.grab_set()
    root.wait_window(dialog)
    return answer['choice']
