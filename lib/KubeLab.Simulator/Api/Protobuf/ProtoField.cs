namespace KubeLab.Simulator.Api.Protobuf;

/// <summary>How one protobuf field of a Kubernetes type maps to JSON.</summary>
internal enum ProtoKind { String, Bytes, Int, Bool, Message, MapStringString, MapStringBytes, IntOrString, Quantity }

internal sealed record ProtoField(string Json, ProtoKind Kind, bool Repeated = false, string? Message = null);
