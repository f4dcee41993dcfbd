"""The little runtime glue this example needs for the DOM (ttminis itself needs none of it).

``window``, ``on(target, event, fn)``, ``every_frame(fn)`` and ``spawn(coroutine)`` on Pyodide and
on Brython. A game using only ttminis calls has no need for this file.
"""
import sys

if sys.platform == "brython":
    from browser import aio, window

    def on(target, event, function):
        target.addEventListener(event, function)

    def every_frame(function):
        def step(timestamp):
            function(timestamp)
            window.requestAnimationFrame(step)
        window.requestAnimationFrame(step)

    def spawn(coroutine):
        aio.run(coroutine)
else:
    import asyncio

    import js as window
    from pyodide.ffi import create_proxy

    _kept = []   # event handlers live as long as the page

    def on(target, event, function):
        proxy = create_proxy(function)
        _kept.append(proxy)
        target.addEventListener(event, proxy)

    def every_frame(function):
        def step(timestamp):
            function(timestamp)
            window.requestAnimationFrame(step_proxy)
        step_proxy = create_proxy(step)
        _kept.append(step_proxy)
        window.requestAnimationFrame(step_proxy)

    def spawn(coroutine):
        asyncio.ensure_future(coroutine)
