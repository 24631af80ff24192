using System.Text.Json.Nodes;
using static KubeLab.Simulator.CloudProvider.Kind.GatewayApi.Schema;

namespace KubeLab.Simulator.CloudProvider.Kind.GatewayApi;

/// <summary>
/// The Gateway API v1.5.0 standard channel as cloud-provider-kind v0.11.1 installs it (pkg/gateway/crds/standard): GatewayClass,
/// Gateway, HTTPRoute, GRPCRoute, ReferenceGrant described field by field from the API reference (apis/v1 types: names,
/// enums, defaults, required, printer columns, short names, category <c>gateway-api</c>); BackendTLSPolicy, ListenerSet and
/// TLSRoute (also standard in v1.5.0) are served with their names and columns but an opaque spec. Schemas are kept short
/// (descriptions one line, CEL rules left out) because they are built at every start.
/// </summary>
public static class GatewayApiCrds
{
    public const string Group = "gateway.networking.k8s.io";
    public const string BundleVersion = "v1.5.0";

    public static IReadOnlyList<JsonObject> All() =>
    [
        Crd("GatewayClass", "gatewayclasses", "Cluster", ["gc"], [("v1", true), ("v1beta1", false)], GatewayClassSchema(),
            [Col("Controller", ".spec.controllerName"), Col("Accepted", ".status.conditions[?(@.type==\"Accepted\")].status"), Age(),
             Col("Description", ".spec.description", priority: 1)]),
        Crd("Gateway", "gateways", "Namespaced", ["gtw"], [("v1", true), ("v1beta1", false)], GatewaySchema(),
            [Col("Class", ".spec.gatewayClassName"), Col("Address", ".status.addresses[*].value"),
             Col("Programmed", ".status.conditions[?(@.type==\"Programmed\")].status"), Age()]),
        Crd("HTTPRoute", "httproutes", "Namespaced", [], [("v1", true), ("v1beta1", false)], HttpRouteSchema(),
            [Col("Hostnames", ".spec.hostnames"), Age()]),
        Crd("GRPCRoute", "grpcroutes", "Namespaced", [], [("v1", true)], GrpcRouteSchema(), [Col("Hostnames", ".spec.hostnames"), Age()]),
        // v1.5.0 serves ReferenceGrant as v1 and v1beta1 and still stores v1beta1.
        Crd("ReferenceGrant", "referencegrants", "Namespaced", ["refgrant"], [("v1", false), ("v1beta1", true)], ReferenceGrantSchema(), [Age()], status: false),
        Crd("BackendTLSPolicy", "backendtlspolicies", "Namespaced", ["btlspolicy"], [("v1", true)], OpaqueSchema("BackendTLSPolicy"), [Age()]),
        Crd("ListenerSet", "listenersets", "Namespaced", ["lset"], [("v1", true)], OpaqueSchema("ListenerSet"),
            [Col("Accepted", ".status.conditions[?(@.type==\"Accepted\")].status"), Col("Programmed", ".status.conditions[?(@.type==\"Programmed\")].status"), Age()]),
        Crd("TLSRoute", "tlsroutes", "Namespaced", [], [("v1", true)], OpaqueSchema("TLSRoute"), [Age()]),
    ];

    private static JsonObject Crd(string kind, string plural, string scope, string[] shortNames, (string Name, bool Storage)[] versions,
        JsonObject schema, JsonObject[] columns, bool status = true)
    {
        var names = new JsonObject
        {
            ["categories"] = new JsonArray("gateway-api"), ["kind"] = kind, ["listKind"] = kind + "List", ["plural"] = plural,
            ["singular"] = kind.ToLowerInvariant(),
        };
        if (shortNames.Length > 0) names["shortNames"] = new JsonArray(shortNames.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray());
        var served = new JsonArray();
        foreach (var (name, storage) in versions)
        {
            var v = new JsonObject
            {
                ["name"] = name, ["served"] = true, ["storage"] = storage,
                ["schema"] = new JsonObject { ["openAPIV3Schema"] = schema.DeepClone() },
                ["additionalPrinterColumns"] = new JsonArray(columns.Select(c => (JsonNode)c.DeepClone()).ToArray()),
            };
            if (status) v["subresources"] = new JsonObject { ["status"] = new JsonObject() };
            served.Add(v);
        }
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1", ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{plural}.{Group}",
                ["annotations"] = new JsonObject
                {
                    ["api-approved.kubernetes.io"] = "https://github.com/kubernetes-sigs/gateway-api/pull/3328",
                    ["gateway.networking.k8s.io/bundle-version"] = BundleVersion, ["gateway.networking.k8s.io/channel"] = "standard",
                },
            },
            ["spec"] = new JsonObject { ["group"] = Group, ["names"] = names, ["scope"] = scope, ["versions"] = served },
        };
    }

    private static JsonObject Col(string name, string jsonPath, int priority = 0)
    {
        var c = new JsonObject { ["jsonPath"] = jsonPath, ["name"] = name, ["type"] = "string" };
        if (priority > 0) c["priority"] = priority;
        return c;
    }

    private static JsonObject Age() => new() { ["jsonPath"] = ".metadata.creationTimestamp", ["name"] = "Age", ["type"] = "date" };

    private static JsonObject Root(string kind, string description, JsonObject spec, JsonObject? status) =>
        ObjReq(description, ["spec"],
            ("apiVersion", Str("APIVersion defines the versioned schema of this representation of an object.")),
            ("kind", Str("Kind is a string value representing the REST resource this object represents.")),
            ("metadata", new JsonObject { ["type"] = "object" }),
            ("spec", spec),
            ("status", status ?? Opaque($"Status of the {kind}.")));

    // ---- shared pieces (apis/v1/shared_types.go, object_reference_types.go) ----

    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"];
    private const string HostnamePattern = @"^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";

    private static JsonObject Name(string d) => Str(d, maxLength: 253, minLength: 1);
    private static JsonObject Hostname(string d) => Str(d, maxLength: 253, minLength: 1, pattern: HostnamePattern);

    private static JsonObject Conditions() => Arr("Conditions describe the current conditions.", ObjReq("Condition contains details for one aspect of the current state.",
        ["lastTransitionTime", "message", "reason", "status", "type"],
        ("lastTransitionTime", Str("lastTransitionTime is the last time the condition transitioned.").With("format", "date-time")),
        ("message", Str("message is a human readable message.", maxLength: 32768)),
        ("observedGeneration", Int("observedGeneration is the .metadata.generation the condition was set from.", min: 0, format: "int64")),
        ("reason", Str("reason is a CamelCase reason for the condition's last transition.", maxLength: 1024, minLength: 1)),
        ("status", Str("status of the condition.", oneOf: ["True", "False", "Unknown"])),
        ("type", Str("type of condition in CamelCase.", maxLength: 316))), maxItems: 8);

    private static JsonArray Pending(params string[] types) => new(types.Select(t => (JsonNode)new JsonObject
    {
        ["lastTransitionTime"] = "1970-01-01T00:00:00Z", ["message"] = "Waiting for controller", ["reason"] = "Pending", ["status"] = "Unknown", ["type"] = t,
    }).ToArray());

    private static JsonObject ParentRef() => ObjReq("ParentReference identifies an API object (usually a Gateway) this route wants to attach to.", ["name"],
        ("group", Str("Group is the group of the referent.", maxLength: 253, @default: Group)),
        ("kind", Str("Kind is kind of the referent.", maxLength: 63, minLength: 1, @default: "Gateway")),
        ("name", Name("Name is the name of the referent.")),
        ("namespace", Str("Namespace is the namespace of the referent; the route's namespace when unset.", maxLength: 63, minLength: 1)),
        ("sectionName", Str("SectionName is the name of a section (a listener name) within the target resource.", maxLength: 253, minLength: 1)),
        ("port", Int("Port is the network port this route targets.", min: 1, max: 65535)));

    private static JsonObject BackendRef(string what) => ObjReq($"{what} references a Kubernetes object (a Service) traffic is sent to.", ["name"],
        ("group", Str("Group is the group of the referent; \"\" is the core API group.", maxLength: 253, @default: "")),
        ("kind", Str("Kind is the Kubernetes resource kind of the referent.", maxLength: 63, minLength: 1, @default: "Service")),
        ("name", Name("Name is the name of the referent.")),
        ("namespace", Str("Namespace is the namespace of the backend; a ReferenceGrant is needed for another namespace.", maxLength: 63, minLength: 1)),
        ("port", Int("Port specifies the destination port number; required when the referent is a Service.", min: 1, max: 65535)),
        ("weight", Int("Weight is the proportion of requests forwarded to this backend (weight / sum of weights).", min: 0, max: 1000000, @default: 1)),
        ("filters", Arr("Filters applied to requests forwarded to this backend.", Opaque("A filter."), maxItems: 16)));

    private static JsonObject HeaderMatch(string d) => ObjReq(d, ["name", "value"],
        ("type", Str("Type specifies how to match against the value.", oneOf: ["Exact", "RegularExpression"], @default: "Exact")),
        ("name", Str("Name is the name of the header or query parameter to match.", maxLength: 256, minLength: 1)),
        ("value", Str("Value is the value to be matched.", maxLength: 4096, minLength: 1)));

    private static JsonObject HeaderModifier(string d)
    {
        var header = ObjReq("An HTTP header name and value.", ["name", "value"], ("name", Str("Name of the header.", maxLength: 256, minLength: 1)),
            ("value", Str("Value of the header.", maxLength: 4096, minLength: 1)));
        return Obj(d, ("set", Arr("Set overwrites the request with the given header before the action.", header, maxItems: 16)),
            ("add", Arr("Add adds the given header(s) before the action.", header.DeepClone().AsObject(), maxItems: 16)),
            ("remove", Arr("Remove the given header(s) before the action.", Str("A header name.", maxLength: 256), maxItems: 16)));
    }

    private static JsonObject RouteStatus() => ObjReq("Status defines the current state of the route.", ["parents"],
        ("parents", Arr("Parents is a list of parent resources (usually Gateways) associated with the route, and the status of the route with respect to each.",
            ObjReq("RouteParentStatus describes the status of a route with respect to an associated parent.", ["controllerName", "parentRef"],
                ("conditions", Conditions()),
                ("controllerName", Str("ControllerName is the domain/path of the controller that wrote this status.", maxLength: 253, minLength: 1)),
                ("parentRef", ParentRef())), maxItems: 32)));

    // ---- kinds ----

    private static JsonObject GatewayClassSchema() => Root("GatewayClass",
        "GatewayClass describes a class of Gateways available to the user for creating Gateway resources.",
        ObjReq("Spec defines the desired state of GatewayClass.", ["controllerName"],
            ("controllerName", Str("ControllerName is the name of the controller that is managing Gateways of this class.", maxLength: 253, minLength: 1,
                pattern: @"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9\/\-._~%!$&'()*+,;=:]+$")),
            ("description", Str("Description helps describe a GatewayClass with more details.", maxLength: 64)),
            ("parametersRef", ObjReq("ParametersRef is a reference to a resource that contains the configuration parameters.", ["group", "kind", "name"],
                ("group", Str("Group is the group of the referent.", maxLength: 253)), ("kind", Str("Kind is kind of the referent.", maxLength: 63, minLength: 1)),
                ("name", Name("Name is the name of the referent.")), ("namespace", Str("Namespace is the namespace of the referent.", maxLength: 63, minLength: 1))))),
        Obj("Status defines the current state of GatewayClass.",
            ("conditions", Conditions().With("default", Pending("Accepted"))),
            ("supportedFeatures", Arr("SupportedFeatures is the set of features the GatewayClass supports.", ObjReq("A feature.", ["name"], ("name", Str("Name of the feature."))), maxItems: 64)))
        .With("default", new JsonObject { ["conditions"] = Pending("Accepted") }));

    private static JsonObject GatewaySchema()
    {
        var listener = ObjReq("Listener embodies the concept of a logical endpoint where a Gateway accepts network connections.", ["name", "port", "protocol"],
            ("name", Str("Name is the name of the Listener; unique within a Gateway.", maxLength: 253, minLength: 1)),
            ("hostname", Hostname("Hostname specifies the virtual hostname to match for protocol types that define this concept.")),
            ("port", Int("Port is the network port.", min: 1, max: 65535)),
            ("protocol", Str("Protocol specifies the network protocol this listener expects to receive (HTTP, HTTPS, TLS, TCP, UDP).", maxLength: 255, minLength: 1)),
            ("tls", Obj("TLS is the TLS configuration for the Listener.",
                ("mode", Str("Mode defines the TLS behavior for the TLS session initiated by the client.", oneOf: ["Terminate", "Passthrough"], @default: "Terminate")),
                ("certificateRefs", Arr("CertificateRefs contains a series of references to Kubernetes objects that contain TLS certificates and private keys.",
                    ObjReq("SecretObjectReference identifies a Secret.", ["name"], ("group", Str("Group of the referent.", @default: "")),
                        ("kind", Str("Kind of the referent.", @default: "Secret")), ("name", Name("Name of the referent.")),
                        ("namespace", Str("Namespace of the referenced object.", maxLength: 63))), maxItems: 64)),
                ("options", Map("Options are a list of key/value pairs to enable extended TLS configuration.")))),
            ("allowedRoutes", Obj("AllowedRoutes defines the types of routes that MAY be attached to a Listener and the trusted namespaces where those Route resources MAY be present.",
                ("namespaces", Obj("Namespaces indicates namespaces from which Routes may be attached to this Listener.",
                    ("from", Str("From indicates where Routes will be selected for this Gateway.", oneOf: ["All", "Selector", "Same"], @default: "Same")),
                    ("selector", Opaque("Selector must be specified when From is set to \"Selector\"."))).With("default", new JsonObject { ["from"] = "Same" })),
                ("kinds", Arr("Kinds specifies the groups and kinds of Routes that are allowed to bind to this Gateway Listener.",
                    ObjReq("RouteGroupKind indicates the group and kind of a Route resource.", ["kind"], ("group", Str("Group is the group of the Route.", @default: Group)),
                        ("kind", Str("Kind is the kind of the Route.", maxLength: 63, minLength: 1))), maxItems: 8)))
                .With("default", new JsonObject { ["namespaces"] = new JsonObject { ["from"] = "Same" } })));
        var address = ObjReq("GatewaySpecAddress describes an address that can be bound to a Gateway.", [],
            ("type", Str("Type of the address.", maxLength: 253, minLength: 1, @default: "IPAddress")),
            ("value", Str("Value of the address.", maxLength: 253)));
        var listenerStatus = ObjReq("ListenerStatus is the status associated with a Listener.", ["attachedRoutes", "conditions", "name", "supportedKinds"],
            ("name", Str("Name is the name of the Listener that this status corresponds to.", maxLength: 253)),
            ("attachedRoutes", Int("AttachedRoutes represents the total number of Routes that have been successfully attached to this Listener.")),
            ("supportedKinds", Arr("SupportedKinds is the list indicating the Kinds supported by this listener.",
                ObjReq("RouteGroupKind.", ["kind"], ("group", Str("Group of the Route.")), ("kind", Str("Kind of the Route."))), maxItems: 8)),
            ("conditions", Conditions()));
        return Root("Gateway", "Gateway represents an instance of a service-traffic handling infrastructure by binding Listeners to a set of IP addresses.",
            ObjReq("Spec defines the desired state of Gateway.", ["gatewayClassName", "listeners"],
                ("gatewayClassName", Name("GatewayClassName used for this Gateway. This is the name of a GatewayClass resource.")),
                ("listeners", Arr("Listeners associated with this Gateway.", listener, maxItems: 64, minItems: 1)),
                ("addresses", Arr("Addresses requested for this Gateway.", address, maxItems: 16)),
                ("infrastructure", Opaque("Infrastructure defines infrastructure level attributes about this Gateway instance."))),
            Obj("Status defines the current state of Gateway.",
                ("addresses", Arr("Addresses lists the network addresses that have been bound to the Gateway.", address.DeepClone().AsObject(), maxItems: 16)),
                ("conditions", Conditions().With("default", Pending("Accepted", "Programmed"))),
                ("listeners", Arr("Listeners provide status for each unique listener port defined in the Spec.", listenerStatus, maxItems: 64)))
            .With("default", new JsonObject { ["conditions"] = Pending("Accepted", "Programmed") }));
    }

    private static JsonObject HttpRouteSchema()
    {
        var pathMatch = Obj("Path specifies a HTTP request path matcher.",
            ("type", Str("Type specifies how to match against the path Value.", oneOf: ["Exact", "PathPrefix", "RegularExpression"], @default: "PathPrefix")),
            ("value", Str("Value of the HTTP path to match against.", maxLength: 1024, @default: "/")))
            .With("default", new JsonObject { ["type"] = "PathPrefix", ["value"] = "/" });
        var match = Obj("HTTPRouteMatch defines the predicate used to match requests to a given action.",
            ("path", pathMatch),
            ("headers", Arr("Headers specifies HTTP request header matchers (ANDed).", HeaderMatch("HTTPHeaderMatch describes how to select a HTTP route by matching HTTP request headers."), maxItems: 16)),
            ("queryParams", Arr("QueryParams specifies HTTP query parameter matchers (ANDed).", HeaderMatch("HTTPQueryParamMatch describes how to select a HTTP route by matching HTTP query parameters."), maxItems: 16)),
            ("method", Str("Method specifies HTTP method matcher.", oneOf: Methods)));
        var filter = ObjReq("HTTPRouteFilter defines processing steps that must be completed during the request or response lifecycle.", ["type"],
            ("type", Str("Type identifies the type of filter to apply.", oneOf: ["RequestHeaderModifier", "ResponseHeaderModifier", "RequestMirror", "RequestRedirect", "URLRewrite", "ExtensionRef", "CORS"])),
            ("requestHeaderModifier", HeaderModifier("RequestHeaderModifier defines a schema for a filter that modifies request headers.")),
            ("responseHeaderModifier", HeaderModifier("ResponseHeaderModifier defines a schema for a filter that modifies response headers.")),
            ("requestRedirect", Obj("RequestRedirect defines a schema for a filter that responds to the request with an HTTP redirection.",
                ("scheme", Str("Scheme is the scheme to be used in the value of the Location header.", oneOf: ["http", "https"])),
                ("hostname", Hostname("Hostname is the hostname to be used in the value of the Location header.")),
                ("path", Opaque("Path defines parameters used to modify the path of the incoming request.")),
                ("port", Int("Port is the port to be used in the value of the Location header.", min: 1, max: 65535)),
                ("statusCode", Int("StatusCode is the HTTP status code to be used in response.", @default: 302).With("enum", new JsonArray(301, 302, 303, 307, 308))))),
            ("requestMirror", Opaque("RequestMirror defines a schema for a filter that mirrors requests.")),
            ("urlRewrite", Opaque("URLRewrite defines a schema for a filter that modifies a request during forwarding.")),
            ("cors", Opaque("CORS defines a schema for a filter that responds to the cross-origin request based on HTTP response header.")),
            ("extensionRef", Opaque("ExtensionRef is an optional, implementation-specific extension to the \"filter\" behavior.")));
        var rule = Obj("HTTPRouteRule defines semantics for matching an HTTP request based on conditions (matches), processing it (filters), and forwarding the request to an API object (backendRefs).",
            ("name", Str("Name is the name of the route rule.", maxLength: 253, minLength: 1)),
            ("matches", Arr("Matches define conditions used for matching the rule against incoming HTTP requests (ORed).", match, maxItems: 64,
                @default: new JsonArray(new JsonObject { ["path"] = new JsonObject { ["type"] = "PathPrefix", ["value"] = "/" } }))),
            ("filters", Arr("Filters define the filters that are applied to requests that match this rule.", filter, maxItems: 16)),
            ("backendRefs", Arr("BackendRefs defines the backend(s) where matching requests should be sent.", BackendRef("HTTPBackendRef"), maxItems: 16)),
            ("timeouts", Obj("Timeouts defines the timeouts that can be configured for an HTTP request.",
                ("request", Str("Request specifies the maximum duration for a gateway to respond to an HTTP request.")),
                ("backendRequest", Str("BackendRequest specifies a timeout for an individual request from the gateway to a backend.")))));
        return Root("HTTPRoute", "HTTPRoute provides a way to route HTTP requests.",
            Obj("Spec defines the desired state of HTTPRoute.",
                ("parentRefs", Arr("ParentRefs references the resources (usually Gateways) that a Route wants to be attached to.", ParentRef(), maxItems: 32)),
                ("hostnames", Arr("Hostnames defines a set of hostnames that should match against the HTTP Host header to select a HTTPRoute used to process the request.",
                    Hostname("Hostname is the fully qualified domain name of a network host; a wildcard label * is allowed as the first label."), maxItems: 16)),
                ("rules", Arr("Rules are a list of HTTP matchers, filters and actions.", rule, maxItems: 16,
                    @default: new JsonArray(new JsonObject { ["matches"] = new JsonArray(new JsonObject { ["path"] = new JsonObject { ["type"] = "PathPrefix", ["value"] = "/" } }) }))))
            , RouteStatus());
    }

    private static JsonObject GrpcRouteSchema()
    {
        var match = Obj("GRPCRouteMatch defines the predicate used to match requests to a given action.",
            ("method", Obj("Method specifies a gRPC request service/method matcher.",
                ("type", Str("Type specifies how to match against the service and/or method.", oneOf: ["Exact", "RegularExpression"], @default: "Exact")),
                ("service", Str("Value of the service to match against (a fully qualified gRPC service name).", maxLength: 1024)),
                ("method", Str("Value of the method to match against.", maxLength: 1024)))),
            ("headers", Arr("Headers specifies gRPC request header matchers (ANDed).", HeaderMatch("GRPCHeaderMatch describes how to select a gRPC route by matching gRPC request headers."), maxItems: 16)));
        var rule = Obj("GRPCRouteRule defines the semantics for matching a gRPC request based on conditions (matches), processing it (filters), and forwarding the request to an API object (backendRefs).",
            ("name", Str("Name is the name of the route rule.", maxLength: 253, minLength: 1)),
            ("matches", Arr("Matches define conditions used for matching the rule against incoming gRPC requests (ORed).", match, maxItems: 64)),
            ("filters", Arr("Filters define the filters that are applied to requests that match this rule.", Opaque("GRPCRouteFilter."), maxItems: 16)),
            ("backendRefs", Arr("BackendRefs defines the backend(s) where matching requests should be sent.", BackendRef("GRPCBackendRef"), maxItems: 16)));
        return Root("GRPCRoute", "GRPCRoute provides a way to route gRPC requests.",
            Obj("Spec defines the desired state of GRPCRoute.",
                ("parentRefs", Arr("ParentRefs references the resources (usually Gateways) that a Route wants to be attached to.", ParentRef(), maxItems: 32)),
                ("hostnames", Arr("Hostnames defines a set of hostnames to match against the GRPC Host header.", Hostname("A hostname."), maxItems: 16)),
                ("rules", Arr("Rules are a list of GRPC matchers, filters and actions.", rule, maxItems: 16))), RouteStatus());
    }

    private static JsonObject ReferenceGrantSchema()
    {
        var from = ObjReq("ReferenceGrantFrom describes trusted namespaces and kinds.", ["group", "kind", "namespace"],
            ("group", Str("Group is the group of the referent; \"\" is the core API group.", maxLength: 253)),
            ("kind", Str("Kind is the kind of the referent (HTTPRoute, GRPCRoute, Gateway...).", maxLength: 63, minLength: 1)),
            ("namespace", Str("Namespace is the namespace of the referent.", maxLength: 63, minLength: 1)));
        var to = ObjReq("ReferenceGrantTo describes what Kinds are allowed as targets of the references.", ["group", "kind"],
            ("group", Str("Group is the group of the referent; \"\" is the core API group.", maxLength: 253)),
            ("kind", Str("Kind is the kind of the referent (Service, Secret...).", maxLength: 63, minLength: 1)),
            ("name", Name("Name is the name of the referent; when unset, every resource of the kind is allowed.")));
        return Root("ReferenceGrant", "ReferenceGrant identifies kinds of resources in other namespaces that are trusted to reference the specified kinds of resources in the same namespace as the policy.",
            ObjReq("Spec defines the desired state of ReferenceGrant.", ["from", "to"],
                ("from", Arr("From describes the trusted namespaces and kinds that can reference the resources described in \"To\".", from, maxItems: 16, minItems: 1)),
                ("to", Arr("To describes the resources that may be referenced by the resources described in \"From\".", to, maxItems: 16, minItems: 1))), null);
    }

    private static JsonObject OpaqueSchema(string kind) => Root(kind, $"{kind} (Gateway API standard channel; the simulator keeps its spec as given).",
        Opaque($"Spec defines the desired state of {kind}."), null);
}
