#!/usr/bin/env python3
"""Drives Katib's real optuna suggestion service over a generated table of
Experiments and records what it answers, as tests/data/oracle/optuna.json.

Usage: scripts/oracle/record KATIB_DIR > tests/data/oracle/optuna.json
(record sets PYTHONPATH as Katib's cmd/suggestion/optuna/v1beta1/Dockerfile
does and runs this file; HACKING.md, "The suggestion-service oracle").

For every case the service is served over gRPC, as in its pod, and called
as Katib's controller calls it: ValidateAlgorithmSettings once, and when
that answers OK, GetSuggestions with parallelTrialCount trials at a time
(fewer for the last batch) until maxTrialCount were asked for, each call
carrying every trial so far as Succeeded with a metric.  The answers are
test data: the suite checks that `validate` and `validate
--suggestion-request` reproduce them without Python or optuna.
"""
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
from concurrent import futures

import grpc
from google.protobuf import json_format

from pkg.apis.manager.v1beta1.python import api_pb2
from pkg.suggestion.v1beta1.optuna.service import OptunaService

# Katib's requirements for the optuna image at the recorded commit
# (cmd/suggestion/optuna/v1beta1/requirements.txt).
KATIB_PINS = {"optuna": "==3.3.0", "grpcio": ">=1.64.1",
              "protobuf": ">=4.21.12,<5"}
TIMEOUT = 20

TYPES = {"int": api_pb2.INT, "double": api_pb2.DOUBLE,
         "categorical": api_pb2.CATEGORICAL, "discrete": api_pb2.DISCRETE}
DISTRIBUTIONS = {"uniform": api_pb2.UNIFORM,
                 "logUniform": api_pb2.LOG_UNIFORM,
                 "normal": api_pb2.NORMAL, "logNormal": api_pb2.LOG_NORMAL}


class Recording(OptunaService):
    """The service unchanged; only the exception GetSuggestions raises is
    noted before gRPC turns it into UNKNOWN."""

    def __init__(self):
        super().__init__()
        self.raised = None

    def GetSuggestions(self, request, context):
        try:
            return super().GetSuggestions(request, context)
        except Exception as e:
            self.raised = type(e).__name__
            raise


def to_proto(spec):
    """Katib's controller's ConvertExperiment (suggestionclient.go) for
    the fields an Experiment of the table has, the mutating webhook's
    defaults applied (distribution uniform)."""
    e = api_pb2.Experiment(name="oracle")
    s = e.spec
    s.objective.type = (api_pb2.MAXIMIZE if spec["objective"]["type"] == "maximize"
                        else api_pb2.MINIMIZE)
    s.objective.objective_metric_name = spec["objective"]["objectiveMetricName"]
    s.algorithm.algorithm_name = spec["algorithm"]["algorithmName"]
    for st in spec["algorithm"].get("algorithmSettings", []):
        s.algorithm.algorithm_settings.add(name=st["name"], value=st["value"])
    s.parallel_trial_count = spec["parallelTrialCount"]
    s.max_trial_count = spec["maxTrialCount"]
    for p in spec["parameters"]:
        fs = p["feasibleSpace"]
        q = s.parameter_specs.parameters.add(name=p["name"],
                                             parameter_type=TYPES[p["parameterType"]])
        q.feasible_space.min = fs.get("min", "")
        q.feasible_space.max = fs.get("max", "")
        q.feasible_space.step = fs.get("step", "")
        q.feasible_space.list.extend(fs.get("list", []))
        q.feasible_space.distribution = DISTRIBUTIONS[fs.get("distribution", "uniform")]
    return e


def metric(i):
    return "%.4f" % (1.0 / (1 + (i * 7) % 11))


# Katib's generated api_pb2_grpc.py registers and calls its methods with
# grpcio 1.64's registered-method API, which Debian's grpcio lacks: the
# same handlers are registered, and called, through the generic API.
METHODS = {
    "ValidateAlgorithmSettings": (api_pb2.ValidateAlgorithmSettingsRequest,
                                  api_pb2.ValidateAlgorithmSettingsReply),
    "GetSuggestions": (api_pb2.GetSuggestionsRequest, api_pb2.GetSuggestionsReply),
}


class Stub:
    def __init__(self, channel):
        for name, (req, rep) in METHODS.items():
            setattr(self, name, channel.unary_unary(
                "/api.v1.beta1.Suggestion/" + name,
                request_serializer=req.SerializeToString,
                response_deserializer=rep.FromString))


def run(spec):
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=1))
    svc = Recording()
    handlers = {name: grpc.unary_unary_rpc_method_handler(
        getattr(svc, name), request_deserializer=req.FromString,
        response_serializer=rep.SerializeToString)
        for name, (req, rep) in METHODS.items()}
    server.add_generic_rpc_handlers(
        (grpc.method_handlers_generic_handler("api.v1.beta1.Suggestion", handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        with grpc.insecure_channel("127.0.0.1:%d" % port) as ch:
            return call(Stub(ch), svc, to_proto(spec), spec)
    finally:
        server.stop(None)


def status(err):
    return {"code": err.code().name, "details": err.details() or ""}


def call(stub, svc, exp, spec):
    out = {}
    try:
        stub.ValidateAlgorithmSettings(
            api_pb2.ValidateAlgorithmSettingsRequest(experiment=exp), timeout=TIMEOUT)
        out["validate"] = {"code": "OK", "details": ""}
    except grpc.RpcError as err:
        out["validate"] = status(err)
        return out
    trials, asked, calls = [], 0, 0
    total, parallel = spec["maxTrialCount"], spec["parallelTrialCount"]
    while asked < total:
        n = min(parallel, total - asked)
        calls += 1
        req = api_pb2.GetSuggestionsRequest(experiment=exp, trials=trials,
                                            current_request_number=n,
                                            total_request_number=asked + n)
        try:
            reply = stub.GetSuggestions(req, timeout=TIMEOUT)
        except grpc.RpcError as err:
            out["get-suggestions"] = dict(status(err), call=calls,
                                          exception=svc.raised)
            return out
        for a in reply.parameter_assignments:
            t = api_pb2.Trial(name="oracle-%d" % len(trials))
            t.spec.objective.CopyFrom(exp.spec.objective)
            t.spec.parameter_assignments.assignments.extend(a.assignments)
            t.status.condition = api_pb2.TrialStatus.SUCCEEDED
            t.status.observation.metrics.add(name="loss", value=metric(len(trials)))
            trials.append(t)
        asked += n
    out["get-suggestions"] = {"code": "OK", "calls": calls, "trials": len(trials)}
    return out


# ---- the table ----

def experiment(algorithm, settings=(), params=None, parallel=3, total=6):
    if params is None:
        params = PARAMS["int+double+categorical"]
    return {
        "objective": {"type": "minimize", "objectiveMetricName": "loss"},
        "algorithm": {"algorithmName": algorithm,
                      "algorithmSettings": [{"name": n, "value": v}
                                            for n, v in settings]},
        # Katib's webhook refuses parallelTrialCount > maxTrialCount.
        "parallelTrialCount": min(parallel, total),
        "maxTrialCount": total,
        "parameters": params,
    }


def num(name, typ, lo, hi, step=None, dist=None):
    fs = {"min": lo, "max": hi}
    if step is not None:
        fs["step"] = step
    if dist is not None:
        fs["distribution"] = dist
    return {"name": name, "parameterType": typ, "feasibleSpace": fs}


def lst(name, typ, values):
    return {"name": name, "parameterType": typ, "feasibleSpace": {"list": values}}


CAT = lst("opt", "categorical", ["sgd", "adam"])
PARAMS = {
    "int+double+categorical": [num("layers", "int", "1", "4"),
                               num("lr", "double", "0.01", "0.1"), CAT],
    "two-doubles": [num("lr", "double", "0.01", "0.1"),
                    num("momentum", "double", "0.5", "0.9")],
}

# Texts Python's int() and float() read in ways a C parser may not.
INT_TEXTS = ["0", "1", "-1", "10", " 7 ", "+3", "1_000", "1__0", "_1", "٣",
             "１２", "1.5", "1e3", "", "abc", "99999999999999999999",
             "4294967295", "4294967296", "-0"]
FLOAT_TEXTS = ["0", "-0", "0.5", "-1", "inf", "-inf", "nan", "Infinity",
               "1e400", "1_0.5", " 2 ", "٣.٥", "0x10", "abc", ""]

# Search spaces: every type and distribution, at their edges.
SPACES = {
    "int-uniform": [num("a", "int", "1", "8"), num("b", "double", "0.1", "0.9")],
    "int-step-3": [num("a", "int", "1", "8", "3"), num("b", "double", "0.1", "0.9")],
    "int-log": [num("a", "int", "1", "64", dist="logUniform"),
                num("b", "double", "0.1", "0.9")],
    "int-log-min-0": [num("a", "int", "0", "64", dist="logUniform"),
                      num("b", "double", "0.1", "0.9")],
    "int-normal": [num("a", "int", "1", "8", dist="normal"),
                   num("b", "double", "0.1", "0.9")],
    "int-logNormal": [num("a", "int", "1", "8", dist="logNormal"),
                      num("b", "double", "0.1", "0.9")],
    "int-min-eq-max": [num("a", "int", "3", "3"), num("b", "double", "0.1", "0.9")],
    "double-uniform": [num("a", "double", "-1", "1"), num("b", "double", "0.1", "0.9")],
    "double-step": [num("a", "double", "0", "1", "0.25"), num("b", "double", "0.1", "0.9")],
    "double-step-0.3": [num("a", "double", "0", "1", "0.3"), num("b", "double", "0.1", "0.9")],
    "double-log": [num("a", "double", "0.001", "1", dist="logUniform"),
                   num("b", "double", "0.1", "0.9")],
    "double-log-min-0": [num("a", "double", "0", "1", dist="logUniform"),
                         num("b", "double", "0.1", "0.9")],
    "double-log-step": [num("a", "double", "0.001", "1", "0.1", dist="logUniform"),
                        num("b", "double", "0.1", "0.9")],
    "double-normal": [num("a", "double", "0", "1", dist="normal"),
                      num("b", "double", "0.1", "0.9")],
    "double-logNormal": [num("a", "double", "0.1", "1", dist="logNormal"),
                         num("b", "double", "0.1", "0.9")],
    "double-min-eq-max": [num("a", "double", "0.5", "0.5"),
                          num("b", "double", "0.1", "0.9")],
    "categorical": [CAT, num("b", "double", "0.1", "0.9"), num("c", "int", "1", "4")],
    "discrete": [lst("a", "discrete", ["1", "2", "4"]),
                 num("b", "double", "0.1", "0.9"), num("c", "int", "1", "4")],
    "one-double": [num("a", "double", "0.1", "0.9")],
    "one-categorical": [CAT],
    "int-unicode-bounds": [num("a", "int", "١", "٨"), num("b", "double", "0.1", "0.9")],
    "double-underscore-bounds": [num("a", "double", "0_1", "1_0"),
                                 num("b", "double", "0.1", "0.9")],
}

GRID_SPACES = {
    "grid-int": [num("a", "int", "1", "4"), CAT],
    "grid-int-step-2": [num("a", "int", "1", "6", "2"), CAT],
    "grid-int-step-4-odd": [num("a", "int", "1", "8", "4"), CAT],
    "grid-int-step-bigger": [num("a", "int", "1", "3", "5"), CAT],
    "grid-double-no-step": [num("a", "double", "0", "1"), CAT],
    "grid-double-step-0.25": [num("a", "double", "0", "1", "0.25"), CAT],
    "grid-double-step-0.3": [num("a", "double", "0", "1", "0.3"), CAT],
    "grid-double-step-0.1": [num("a", "double", "0", "1", "0.1")],
    "grid-double-step-0.7": [num("a", "double", "0", "1", "0.7"), CAT],
    "grid-double-step-1/3": [num("a", "double", "0", "1", "0.3333333333333333"), CAT],
    "grid-double-step-bigger": [num("a", "double", "0", "1", "2"), CAT],
    "grid-double-step-small": [num("a", "double", "0", "1", "0.001")],
    "grid-double-step-inf": [num("a", "double", "0", "1", "inf"), CAT],
    "grid-double-step-nan": [num("a", "double", "0", "1", "nan"), CAT],
    "grid-double-log": [num("a", "double", "0.1", "1", "0.3", "logUniform"), CAT],
    "grid-discrete": [lst("a", "discrete", ["1", "2", "4"]), CAT],
    "grid-int-log": [num("a", "int", "1", "8", "1", "logUniform"), CAT],
    "grid-categorical-only": [lst("a", "categorical", ["x", "y", "z"]), CAT],
    "grid-int-step-0": [num("a", "int", "1", "4", "0"), CAT],
    "grid-int-step-negative": [num("a", "int", "1", "4", "-1"), CAT],
    "grid-double-step-0": [num("a", "double", "0", "1", "0"), CAT],
    "grid-double-step-negative": [num("a", "double", "0", "1", "-0.5"), CAT],
    "grid-double-max-inf": [num("a", "double", "0", "inf", "1"), CAT],
    "grid-int-unicode-bounds": [num("a", "int", "١", " ٤ ", "1_0"), CAT],
    "grid-double-unicode-step": [num("a", "double", "0", "1", "０.５"), CAT],
}


def cases():
    tpes = ("tpe", "multivariate-tpe")
    for a in tpes:
        for name in ("n_startup_trials", "n_ei_candidates", "random_state"):
            for v in INT_TEXTS:
                yield "%s/%s=%r" % (a, name, v), experiment(a, [(name, v)])
        # Past the random start-up trials, where TPE's model is used.
        for v in ("0", "1", "-0", "24"):
            yield "%s/n_startup_trials=2,n_ei_candidates=%r" % (a, v), \
                experiment(a, [("n_startup_trials", "2"), ("n_ei_candidates", v)],
                           parallel=2, total=6)
        yield "%s/n_startup_trials=0" % a, \
            experiment(a, [("n_startup_trials", "0")], parallel=1, total=3)
        yield "%s/seed" % a, experiment(a, [("seed", "1")])
        yield "%s/unknown" % a, experiment(a, [("gamma", "0.1")])
    for v in INT_TEXTS:
        yield "random/random_state=%r" % v, experiment("random", [("random_state", v)])
    yield "random/unknown", experiment("random", [("seed", "1")])
    two = PARAMS["two-doubles"]
    for v in FLOAT_TEXTS:
        yield "cmaes/sigma=%r" % v, experiment("cmaes", [("sigma", v)], two)
    for v in INT_TEXTS:
        yield "cmaes/random_state=%r" % v, experiment("cmaes", [("random_state", v)], two)
    for v in ("ipop", "None", "none", "bipop", "IPOP", ""):
        yield "cmaes/restart_strategy=%r" % v, \
            experiment("cmaes", [("restart_strategy", v)], two)
    yield "cmaes/unknown", experiment("cmaes", [("popsize", "4")], two)
    for space, params in SPACES.items():
        for a in ("tpe", "multivariate-tpe", "cmaes", "random"):
            yield "%s/space=%s" % (a, space), experiment(a, params=params)
    for v in INT_TEXTS:
        yield "grid/random_state=%r" % v, \
            experiment("grid", [("random_state", v)], GRID_SPACES["grid-int"], total=4)
    yield "grid/unknown", experiment("grid", [("seed", "1")], GRID_SPACES["grid-int"], total=4)
    for space, params in GRID_SPACES.items():
        for total in (1, 5, 8):
            yield "grid/space=%s,max=%d" % (space, total), \
                experiment("grid", params=params, parallel=2, total=total)


def versions():
    out = {"python": platform.python_version()}
    for d in ("optuna", "grpcio", "protobuf", "numpy", "cmaes"):
        try:
            out[d] = importlib.metadata.version(d)
        except importlib.metadata.PackageNotFoundError:
            out[d] = None
    return out


def katib_commit(katib):
    if "KATIB_COMMIT" in os.environ:
        return os.environ["KATIB_COMMIT"]
    return subprocess.run(["git", "-C", katib, "rev-parse", "HEAD"],
                          capture_output=True, text=True, check=True).stdout.strip()


def main(argv):
    katib = argv[1]
    lib = versions()
    data = {
        "service": "optuna",
        "katib": katib_commit(katib),
        "libraries": lib,
        "katib-pins": KATIB_PINS,
        "note": "" if lib["optuna"] == "3.3.0" else
        "recorded with optuna %s; Katib's image pins optuna%s, so a case "
        "whose answer depends on the optuna version may differ in the image"
        % (lib["optuna"], KATIB_PINS["optuna"]),
        "cases": [],
    }
    for name, spec in cases():
        answer = run(spec)
        req = api_pb2.ValidateAlgorithmSettingsRequest(experiment=to_proto(spec))
        data["cases"].append({
            "name": name,
            "spec": spec,
            "request": json_format.MessageToDict(req, preserving_proto_field_name=True),
            **answer,
        })
        print(name, json.dumps(answer), file=sys.stderr)
    write(data, sys.stdout)


def write(data, out):
    """JSON with one case a line, so that a re-recording diffs by case."""
    cases = data.pop("cases")
    head = json.dumps(data, indent=1, ensure_ascii=False)
    out.write(head[:-2] + ',\n "cases": [\n')
    out.write(",\n".join("  " + json.dumps(c, ensure_ascii=False, separators=(",", ":"))
                          for c in cases))
    out.write("\n ]\n}\n")


if __name__ == "__main__":
    main(sys.argv)
