using System.Text.Json.Nodes;
using k8s.Models;
using KubeLab.Simulator.CloudProvider.Kind.GatewayApi;
using KubeLab.Simulator.ControllerRuntime;

namespace KubeLab.Simulator.CloudProvider.Kind.Gateway;

/// <summary>
/// An HTTPRoute's or GRPCRoute's rules → <see cref="RouteEntry"/>s (pkg/gateway/httproute.go translateHTTPRouteToEnvoyRoutes,
/// grpcroute.go) and the route's ResolvedRefs condition. A backendRef that is not a Service (InvalidKind), has no port, names a
/// Service in another namespace without a ReferenceGrant (RefNotPermitted) or a missing Service (BackendNotFound) makes its
/// rule answer 500, as the spec asks. GRPCRoute matches become path matches on <c>/service/method</c> (gRPC's HTTP/2 path).
/// </summary>
internal static class RouteBuilder
{
    public static JsonObject Resolve(string kind, JsonObject route, Informer<V1Service, V1ServiceList> services, List<JsonObject> grants, out List<RouteEntry> entries)
    {
        entries = [];
        var ns = GatewayController.Namespace(route);
        var name = GatewayController.Name(route);
        var created = DateTimeOffset.TryParse((string?)route["metadata"]?["creationTimestamp"], out var t) ? t : DateTimeOffset.MinValue;
        (string Reason, string Message)? error = null;
        var rules = (route["spec"]?["rules"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        for (var ri = 0; ri < rules.Count; ri++)
        {
            var rule = rules[ri];
            var backends = new List<WeightedBackend>();
            (string Reason, string Message)? ruleError = null;
            foreach (var b in (rule["backendRefs"] as JsonArray ?? []).OfType<JsonObject>())
            {
                var bNs = (string?)b["namespace"] ?? ns;
                var bName = (string)b["name"]!;
                if (((string?)b["kind"] ?? "Service") != "Service" || ((string?)b["group"] ?? "") != "")
                    ruleError ??= ("InvalidKind", $"unsupported backend kind: {(string?)b["kind"]}");
                else if (b["port"] is null) ruleError ??= ("UnsupportedProtocol", "backend port must be specified");
                else if (bNs != ns && !Granted(grants, kind, ns, bNs, bName)) ruleError ??= ("RefNotPermitted", "permission error");
                else if (services.Get($"{bNs}/{bName}") is null) ruleError ??= ("BackendNotFound", "backend not found");
                else backends.Add(new WeightedBackend(bNs, bName, (int)b["port"]!, (int?)b["weight"] ?? 1));
            }
            error ??= ruleError;
            var filters = (rule["filters"] as JsonArray ?? []).OfType<JsonObject>().ToList();
            var redirect = filters.FirstOrDefault(f => (string?)f["type"] == "RequestRedirect")?["requestRedirect"] is JsonObject rr
                ? new Redirect((int?)rr["statusCode"] ?? 302, (string?)rr["scheme"], (string?)rr["hostname"], (int?)rr["port"],
                    (string?)rr["path"]?["type"] == "ReplaceFullPath" ? (string?)rr["path"]?["replaceFullPath"] : null)
                : null;
            var headers = filters.FirstOrDefault(f => (string?)f["type"] == "RequestHeaderModifier")?["requestHeaderModifier"] is JsonObject hm
                ? new HeaderModifier(Pairs(hm["set"]), Pairs(hm["add"]), (hm["remove"] as JsonArray ?? []).Select(x => (string)x!).ToList())
                : null;
            var matches = kind == "GRPCRoute" ? GrpcMatches(rule) : HttpMatches(rule);
            for (var mi = 0; mi < matches.Count; mi++)
                entries.Add(new RouteEntry(ns, name, created, ri, mi, matches[mi], backends, headers, redirect,
                    DirectStatus: redirect is null && (ruleError is not null || backends.Count == 0) ? 500 : null));
        }
        return error is { } e
            ? Conditions.Make("ResolvedRefs", false, e.Reason, e.Message, GatewayController.Generation(route))
            : Conditions.Make("ResolvedRefs", true, "ResolvedRefs", "All backend references have been resolved.", GatewayController.Generation(route));
    }

    private static List<(string, string)> Pairs(JsonNode? list) =>
        (list as JsonArray ?? []).OfType<JsonObject>().Select(h => ((string)h["name"]!, (string)h["value"]!)).ToList();

    private static List<ValueMatch> Values(JsonNode? list) =>
        (list as JsonArray ?? []).OfType<JsonObject>().Select(h => new ValueMatch((string)h["name"]!, (string)h["value"]!, (string?)h["type"] == "RegularExpression")).ToList();

    private static List<RouteMatch> HttpMatches(JsonObject rule)
    {
        var matches = (rule["matches"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (matches.Count == 0) return [RouteMatch.Prefix("/")];
        return matches.Select(m => new RouteMatch((string?)m["path"]?["type"] ?? "PathPrefix", (string?)m["path"]?["value"] ?? "/",
            Values(m["headers"]), Values(m["queryParams"]), (string?)m["method"])).ToList();
    }

    /// <summary>GRPCMethodMatch: service and method Exact → the exact path; service only → its prefix; method only → any service.</summary>
    private static List<RouteMatch> GrpcMatches(JsonObject rule)
    {
        var matches = (rule["matches"] as JsonArray ?? []).OfType<JsonObject>().ToList();
        if (matches.Count == 0) return [RouteMatch.Prefix("/")];
        return matches.Select(m =>
        {
            var headers = Values(m["headers"]);
            var service = (string?)m["method"]?["service"];
            var method = (string?)m["method"]?["method"];
            var regex = (string?)m["method"]?["type"] == "RegularExpression";
            string Part(string? v) => v is null ? "[^/]+" : regex ? v : System.Text.RegularExpressions.Regex.Escape(v);
            return (service, method, regex) switch
            {
                (null, null, _) => new RouteMatch("PathPrefix", "/", headers, [], null),
                ({ } s, { } me, false) => new RouteMatch("Exact", $"/{s}/{me}", headers, [], null),
                ({ } s, null, false) => new RouteMatch("PathPrefix", $"/{s}", headers, [], null),
                _ => new RouteMatch("RegularExpression", $"/{Part(service)}/{Part(method)}", headers, [], null),
            };
        }).ToList();
    }

    /// <summary>ReferenceGrant (pkg/gateway/referencegrant.go): a grant in the target namespace naming the route's kind and namespace, and Service.</summary>
    private static bool Granted(List<JsonObject> grants, string kind, string fromNs, string toNs, string service) =>
        grants.Where(g => GatewayController.Namespace(g) == toNs).Any(g =>
            (g["spec"]?["from"] as JsonArray ?? []).OfType<JsonObject>().Any(f => (string?)f["group"] == GatewayApiCrds.Group && (string?)f["kind"] == kind && (string?)f["namespace"] == fromNs)
            && (g["spec"]?["to"] as JsonArray ?? []).OfType<JsonObject>().Any(to => ((string?)to["group"] ?? "") == "" && (string?)to["kind"] == "Service"
                && ((string?)to["name"] is null || (string?)to["name"] == service)));
}
