"""Tagged JSON (the toml-test decoder format) helpers shared by the TOML check scripts."""
import datetime
import math


def normalise(value):
    """Reduce tagged JSON to comparable Python values."""
    if isinstance(value, list):
        return [normalise(v) for v in value]
    if isinstance(value, dict):
        if set(value) == {"type", "value"} and isinstance(value.get("type"), str) and isinstance(value.get("value"), str):
            return (value["type"], scalar(value["type"], value["value"]))
        return {k: normalise(v) for k, v in value.items()}
    return ("raw", value)


def fraction_key(text):
    # Compare fractional seconds by value: "6" == "600", "123456" keeps microseconds.
    return text.rstrip("0")


def scalar(kind, text):
    if kind == "float":
        f = float(text)
        if math.isnan(f):
            return "nan"
        return f
    if kind == "integer":
        return int(text)
    if kind == "datetime":
        t = text.replace(" ", "T").replace("t", "T").replace("z", "Z")
        date, _, rest = t.partition("T")
        frac = ""
        if "." in rest:
            head, _, tail = rest.partition(".")
            digits = ""
            while tail and tail[0].isdigit():
                digits += tail[0]
                tail = tail[1:]
            rest = head + tail
            frac = digits
        dt = datetime.datetime.fromisoformat(date + "T" + rest.replace("Z", "+00:00"))
        return (dt.astimezone(datetime.timezone.utc).replace(tzinfo=None).isoformat(), fraction_key(frac))
    if kind in ("datetime-local", "time-local"):
        head, _, frac = text.replace(" ", "T").replace("t", "T").partition(".")
        return (head, fraction_key(frac))
    return text


def from_python(value):
    """Tagged JSON for a value decoded by Python's tomllib."""
    if isinstance(value, dict):
        return {k: from_python(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_python(v) for v in value]
    if isinstance(value, bool):
        return {"type": "bool", "value": "true" if value else "false"}
    if isinstance(value, int):
        return {"type": "integer", "value": str(value)}
    if isinstance(value, float):
        if math.isnan(value):
            text = "nan"
        elif math.isinf(value):
            text = "inf" if value > 0 else "-inf"
        else:
            text = repr(value)
        return {"type": "float", "value": text}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    if isinstance(value, datetime.datetime):
        kind = "datetime" if value.tzinfo is not None else "datetime-local"
        return {"type": kind, "value": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"type": "date-local", "value": value.isoformat()}
    if isinstance(value, datetime.time):
        return {"type": "time-local", "value": value.isoformat()}
    raise TypeError(type(value))
