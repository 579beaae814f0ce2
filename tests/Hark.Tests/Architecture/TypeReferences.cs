using System.Reflection;
using System.Reflection.Emit;

namespace Hark.Tests.Architecture;

/// <summary>
/// Which types of one assembly a type uses: its signatures (base, interfaces, fields, properties, methods) and its
/// method bodies (every type, method and field token in the IL, and local variables). Enough to check which folders
/// depend on which without a source parser.
/// </summary>
internal static class TypeReferences
{
    private const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>Types of <paramref name="type"/>'s own assembly that it references.</summary>
    public static IReadOnlySet<Type> Of(Type type)
    {
        var found = new HashSet<Type>();
        void Add(Type? t)
        {
            if (t is null) return;
            if (t.HasElementType) { Add(t.GetElementType()); return; }
            if (t.IsGenericType && !t.IsGenericTypeDefinition)
            {
                foreach (var a in t.GetGenericArguments()) Add(a);
                t = t.GetGenericTypeDefinition();
            }
            if (t.IsGenericParameter || t.Assembly != type.Assembly) return;
            found.Add(t);
        }

        Add(type.BaseType);
        foreach (var i in type.GetInterfaces()) Add(i);
        foreach (var f in type.GetFields(All)) Add(f.FieldType);
        foreach (var p in type.GetProperties(All)) Add(p.PropertyType);
        foreach (var m in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (m is MethodInfo mi) Add(mi.ReturnType);
            foreach (var p in m.GetParameters()) Add(p.ParameterType);
            ScanBody(m, Add);
        }
        return found;
    }

    private static void ScanBody(MethodBase method, Action<Type?> add)
    {
        MethodBody? body;
        try { body = method.GetMethodBody(); }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException) { return; }
        if (body is null) return;
        foreach (var local in body.LocalVariables) add(local.LocalType);
        var il = body.GetILAsByteArray() ?? [];
        var module = method.Module;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (var pc = 0; pc < il.Length;)
        {
            short value = il[pc++];
            if (value == 0xFE) value = (short)(0xFE00 | il[pc++]);
            var op = OpCodesByValue[value];
            switch (op.OperandType)
            {
                case OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok:
                    var token = BitConverter.ToInt32(il, pc);
                    try
                    {
                        switch (module.ResolveMember(token, typeArgs, methodArgs))
                        {
                            case Type t: add(t); break;
                            case MethodBase m:
                                add(m.DeclaringType);
                                if (m is MethodInfo mi) add(mi.ReturnType);
                                if (m.IsGenericMethod) foreach (var a in m.GetGenericArguments()) add(a);
                                break;
                            case FieldInfo f: add(f.DeclaringType); add(f.FieldType); break;
                        }
                    }
                    catch (Exception e) when (e is ArgumentException or BadImageFormatException or TypeLoadException) { }
                    pc += 4;
                    break;
                case OperandType.InlineSwitch:
                    pc += 4 + 4 * BitConverter.ToInt32(il, pc);
                    break;
                default:
                    pc += op.OperandType switch
                    {
                        OperandType.InlineNone => 0,
                        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                        OperandType.InlineVar => 2,
                        OperandType.InlineI8 or OperandType.InlineR => 8,
                        _ => 4,
                    };
                    break;
            }
        }
    }
}
