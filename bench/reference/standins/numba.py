"""Stand-in for numba (not packaged for this machine): openai-whisper's timing.py only decorates two functions with
numba.jit, and plain Python gives the same results, just slower."""


def jit(*args, **kwargs):
    if len(args) == 1 and callable(args[0]) and not kwargs:
        return args[0]
    return lambda f: f
