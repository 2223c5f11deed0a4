"""PyTorch peer of the descent benchmark: times torch.optim steps inside Python, on request.

Started by bench/peers/torch.mjs with one JSON argument {"paramsFile", "gradsFile", "maxN",
"threads"}; the data files hold the float32 values the Node side uses. It answers one JSON line on
stdout per JSON line on stdin, so that Node can interleave its own samples with ours:
  (start)                                   -> {"ready": true, "torch", "python", "threadsDefault", "threadsUsed"}
                                               or {"error"} when torch cannot be imported (then exits)
  {"cmd": "open", "optimizer", "n", "targetMs"} -> {"stepsPerSample", "perStepNs"}  (builds and calibrates)
  {"cmd": "openMany", "optimizer", "count", "size", "foreach", "targetMs"}
                                            -> as "open", for `count` parameters of `size` elements
                                               (consecutive slices of the data), foreach as given
  {"cmd": "sample", "steps"}                -> {"ns"}  (wall time of that many optimizer.step() calls)
  {"cmd": "close"}                          -> {"ok": true}
A failed request answers {"error"}. The timing loop runs here (time.perf_counter), so no
inter-process cost is counted. End of input ends the process.
"""
import json
import sys
import time


def make_optimizer(torch, name, params, **extra):
    # PyTorch's defaults, as the descent classes use them; SGD needs an explicit lr. `extra` carries
    # foreach for the many-tensor cases (absent: torch's own default).
    optim = torch.optim
    if name == "SGD":
        return optim.SGD(params, lr=1e-3, **extra)
    if name == "Momentum":
        return optim.SGD(params, lr=1e-3, momentum=0.9, **extra)
    if name == "Nesterov":
        return optim.SGD(params, lr=1e-3, momentum=0.9, nesterov=True, **extra)
    if name == "Adagrad":
        return optim.Adagrad(params, **extra)
    if name == "Adadelta":
        return optim.Adadelta(params, **extra)
    if name == "RMSprop":
        return optim.RMSprop(params, **extra)
    if name == "Adam":
        return optim.Adam(params, **extra)
    if name == "AdamW":
        return optim.AdamW(params, **extra)
    raise ValueError("no torch optimizer for " + name)


def time_steps(step, steps):
    t0 = time.perf_counter()
    for _ in range(steps):
        step()
    return (time.perf_counter() - t0) * 1e9


def calibrate(step, target_ms):
    # The rule of calibrate() in bench/lib/timing.mjs, so that both sides sample alike.
    target_ns = target_ms * 1e6
    warm = time_steps(step, 1)
    if warm >= max(target_ns, 250e6):
        return 1, warm
    steps = 1
    while True:
        t = time_steps(step, steps)
        if t >= target_ns / 4 or steps >= 1 << 24:
            # Once more, keeping the faster: the first steps after waiting on the pipe run cold.
            t = min(t, time_steps(step, steps))
            per_step = max(t / steps, 1.0)
            return max(1, round(target_ns / per_step)), per_step
        steps *= 2


def reply(obj):
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


def main():
    cfg = json.loads(sys.argv[1])
    try:
        import torch
    except Exception as err:  # ImportError, or a broken install raising something else
        reply({"error": "import torch failed: %s" % (str(err).splitlines() or ["?"])[0]})
        return 0
    default_threads = torch.get_num_threads()
    if cfg.get("threads"):
        torch.set_num_threads(int(cfg["threads"]))
    max_n = int(cfg["maxN"])
    all_params = torch.from_file(cfg["paramsFile"], shared=False, size=max_n, dtype=torch.float32)
    all_grads = torch.from_file(cfg["gradsFile"], shared=False, size=max_n, dtype=torch.float32)
    reply({
        "ready": True,
        "torch": torch.__version__,
        "python": sys.version.split()[0],
        "threadsDefault": default_threads,
        "threadsUsed": torch.get_num_threads(),
    })
    opt = None
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            cmd = req["cmd"]
            if cmd == "open":
                n = int(req["n"])
                p = torch.nn.Parameter(all_params[:n].clone())
                p.grad = all_grads[:n].clone()
                opt = make_optimizer(torch, req["optimizer"], [p])
                steps, per_step = calibrate(opt.step, float(req["targetMs"]))
                reply({"stepsPerSample": steps, "perStepNs": per_step})
            elif cmd == "openMany":
                count, size = int(req["count"]), int(req["size"])
                params = []
                for k in range(count):
                    p = torch.nn.Parameter(all_params[k * size:(k + 1) * size].clone())
                    p.grad = all_grads[k * size:(k + 1) * size].clone()
                    params.append(p)
                opt = make_optimizer(torch, req["optimizer"], params, foreach=bool(req["foreach"]))
                steps, per_step = calibrate(opt.step, float(req["targetMs"]))
                reply({"stepsPerSample": steps, "perStepNs": per_step})
            elif cmd == "sample":
                reply({"ns": time_steps(opt.step, int(req["steps"]))})
            elif cmd == "close":
                opt = None
                reply({"ok": True})
            else:
                reply({"error": "unknown command " + str(cmd)})
        except Exception as err:  # report and keep serving: one bad case must not end the run
            reply({"error": "%s: %s" % (type(err).__name__, err)})
    return 0


if __name__ == "__main__":
    sys.exit(main())
