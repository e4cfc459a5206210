/// One header's value, read the way every request reads its headers.
///
/// Introduced in step 2, for the headers each POST to `/mcp` is checked for
/// (`Content-Type`, `Accept`, `Content-Length`, `Origin`, …). `headers[name]`
/// joins the values of all the fields with that name through a generic lazy
/// sequence, even when there is one field, as there almost always is; under
/// load those joins cost more than the checks that read them. ``value(_:)``
/// gives the same answer and joins only when a header does come twice.
package import HTTPTypes

extension HTTPFields {
    /// What `self[name]` gives: the field's value, the values of several fields joined (`, `; `; ` for cookies),
    /// or nil when there is none.
    package func value(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            guard found == nil else { return self[name] }
            found = field.value
        }
        return found
    }
}
