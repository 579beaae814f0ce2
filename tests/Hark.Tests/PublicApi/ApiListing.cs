using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Hark.Tests.PublicApi;

/// <summary>
/// The public surface of an assembly as stable text: every public type (kind, name, base and interfaces), then its
/// public and protected members, one per line, sorted. Reviewing a change to the surface is reading a diff of this text.
/// </summary>
internal static class ApiListing
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    public static string Of(Assembly assembly)
    {
        var text = new StringBuilder();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            text.Append(TypeLine(type)).Append('\n');
            foreach (var member in Members(type).Order(StringComparer.Ordinal)) text.Append("  ").Append(member).Append('\n');
        }
        return text.ToString();
    }

    private static string TypeLine(Type t)
    {
        var kind = t.IsEnum ? "enum" : t.IsInterface ? "interface" : t.IsValueType ? "struct" : typeof(Delegate).IsAssignableFrom(t) ? "delegate"
            : t.IsAbstract && t.IsSealed ? "static class" : t.IsAbstract ? "abstract class" : t.IsSealed ? "sealed class" : "class";
        if (t.GetMethod("<Clone>$") is not null || (t.IsValueType && t.GetProperty("EqualityContract", Declared) is null && t.GetMethod("PrintMembers", Declared) is not null))
            kind = kind.Replace("class", "record", StringComparison.Ordinal).Replace("struct", "record struct", StringComparison.Ordinal);
        var bases = new List<string>();
        if (t.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) && b != typeof(MulticastDelegate)) bases.Add(Name(b));
        bases.AddRange(t.GetInterfaces().Where(i => i.IsPublic || i.IsNestedPublic).Select(Name).Order(StringComparer.Ordinal));
        return $"{kind} {Name(t, qualified: true)}{(bases.Count > 0 ? " : " + string.Join(", ", bases) : "")}";
    }

    private static bool Visible(MethodBase? m) => m is not null && (m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly);

    private static IEnumerable<string> Members(Type t)
    {
        if (t.IsEnum)
        {
            foreach (var f in t.GetFields(BindingFlags.Public | BindingFlags.Static))
                yield return $"{f.Name} = {Convert.ToInt64(f.GetRawConstantValue(), System.Globalization.CultureInfo.InvariantCulture)}";
            yield break;
        }
        if (typeof(Delegate).IsAssignableFrom(t))
        {
            var invoke = t.GetMethod("Invoke")!;
            yield return $"{Name(invoke.ReturnType)} Invoke({Parameters(invoke)})";
            yield break;
        }
        foreach (var f in t.GetFields(Declared).Where(f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly))
            yield return $"{(f.IsLiteral ? "const " : f.IsStatic ? "static " : "")}{(f.IsInitOnly ? "readonly " : "")}{Name(f.FieldType)} {f.Name}";
        foreach (var p in t.GetProperties(Declared))
        {
            var get = p.GetMethod is { } g && Visible(g) ? "get; " : "";
            var set = p.SetMethod is { } s && Visible(s)
                ? (s.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit)) ? "init; " : "set; ")
                : "";
            if (get == "" && set == "") continue;
            var accessor = p.GetMethod ?? p.SetMethod!;
            var index = p.GetIndexParameters() is { Length: > 0 } ix ? $"[{string.Join(", ", ix.Select(i => $"{Name(i.ParameterType)} {i.Name}"))}]" : "";
            yield return $"{Modifiers(accessor)}{Name(p.PropertyType)} {(index == "" ? p.Name : "this" + index)} {{ {get}{set}}}";
        }
        foreach (var e in t.GetEvents(Declared).Where(e => Visible(e.AddMethod)))
            yield return $"{Modifiers(e.AddMethod!)}event {Name(e.EventHandlerType!)} {e.Name}";
        foreach (var c in t.GetConstructors(Declared).Where(Visible))
            yield return $"{(c.IsFamily ? "protected " : "")}ctor({Parameters(c)})";
        foreach (var m in t.GetMethods(Declared).Where(m => Visible(m) && !m.IsSpecialName && !m.Name.StartsWith('<')))
        {
            var generic = m.IsGenericMethod ? $"<{string.Join(", ", m.GetGenericArguments().Select(a => a.Name))}>" : "";
            yield return $"{Modifiers(m)}{Name(m.ReturnType)} {m.Name}{generic}({Parameters(m)})";
        }
        foreach (var op in t.GetMethods(Declared).Where(m => m.IsPublic && m.IsSpecialName && m.Name.StartsWith("op_", StringComparison.Ordinal)))
            yield return $"static {Name(op.ReturnType)} {op.Name}({Parameters(op)})";
    }

    private static string Modifiers(MethodBase m) =>
        (m.IsFamily || m.IsFamilyOrAssembly ? "protected " : "") +
        (m.IsStatic ? "static " : m.IsAbstract && !m.DeclaringType!.IsInterface ? "abstract " : "") +
        (m is MethodInfo mi && !m.IsStatic && mi.GetBaseDefinition().DeclaringType != m.DeclaringType ? "override " : "") +
        (m.IsVirtual && !m.IsFinal && !m.IsAbstract && m is MethodInfo mv && mv.GetBaseDefinition().DeclaringType == m.DeclaringType ? "virtual " : "");

    private static string Parameters(MethodBase m) =>
        string.Join(", ", m.GetParameters().Select(p =>
        {
            var type = p.ParameterType;
            var prefix = "";
            if (type.IsByRef)
            {
                prefix = p.IsOut ? "out " : p.IsIn ? "in " : "ref ";
                type = type.GetElementType()!;
            }
            if (p.IsDefined(typeof(ParamArrayAttribute))) prefix = "params ";
            return $"{prefix}{Name(type)} {p.Name}{(p.HasDefaultValue ? " = …" : "")}";
        }));

    private static string Name(Type t) => Name(t, qualified: false);

    private static string Name(Type t, bool qualified)
    {
        if (t.IsGenericParameter) return t.Name;
        if (t.IsByRef) return "ref " + Name(t.GetElementType()!);
        if (t.IsArray) return Name(t.GetElementType()!) + "[" + new string(',', t.GetArrayRank() - 1) + "]";
        if (t.IsPointer) return Name(t.GetElementType()!) + "*";
        if (Nullable.GetUnderlyingType(t) is { } inner) return Name(inner) + "?";
        var name = t.Name;
        var tick = name.IndexOf('`', StringComparison.Ordinal);
        if (tick >= 0) name = name[..tick];
        // Arguments of an enclosing generic type belong to it; a nested type shows only its own.
        var args = t.GetGenericArguments();
        var own = t.IsNested && t.DeclaringType!.IsGenericType ? args.Skip(t.DeclaringType.GetGenericArguments().Length).ToArray() : args;
        if (own.Length > 0) name += "<" + string.Join(", ", own.Select(Name)) + ">";
        if (t.IsNested) return Name(t.DeclaringType!, qualified) + "." + name;
        var ns = t.Namespace ?? "";
        return qualified || !(ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal)) ? (ns == "" ? name : ns + "." + name) : name;
    }
}
