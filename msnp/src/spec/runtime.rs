//! Spec tables built at run time from a spec directory, for dialects and versions the binary was not built with
//! (`msnp --spec DIR`). The directory goes through the generator's own load, check and resolve stages, so it is
//! held to the same rules and reported the same way as `spec/` at build time; the resolved model then becomes the
//! same tables the generator emits, allocated once and kept for the life of the process.
//!
//! Tables built this way have no generated checks: every line takes the table walk, which decides the same (the
//! generated checks only make it faster, see [`crate::typed::matcher`]).

use std::path::Path;

use msnp_codegen::model;

use crate::spec::{
    ArgDef, Check, CommandDef, CountDef, CounterDef, Dir, EnumValue, ErrorDef, Evidence, FormDef, HttpMessageDef,
    LinkDef, LinkRole, PayloadDef, PayloadKind, RemovedDef, Services, Shape, Spec, Trid, TypeDef, TypeKind, VersionDef,
    WebServiceDef, WebServiceKind,
};

/// Reads, checks and resolves the spec in `dir` and builds its tables. On failure, returns every problem as
/// `DIR/FILE:LINE:COL: message`.
///
/// The tables live until the process ends (they are built once per run of a command; nothing frees them).
pub fn load_dir(dir: &Path) -> Result<&'static Spec, Vec<String>> {
    load_dir_checked(dir).map(|(spec, _)| spec)
}

/// Like [`load_dir`], also returning the spec's warnings (gaps that do not make it unusable, such as a form
/// without evidence), each as `DIR/FILE:LINE:COL: message`.
pub fn load_dir_checked(dir: &Path) -> Result<(&'static Spec, Vec<String>), Vec<String>> {
    let prefix = format!("{}/", dir.display().to_string().trim_end_matches('/'));
    let (model, warnings) = msnp_codegen::check_spec(dir, &prefix)?;
    let spec = build(&model).map_err(|e| vec![format!("{prefix}: {e}")])?;
    Ok((spec, warnings))
}

/// The tables of a resolved spec.
pub fn build(model: &model::Spec) -> Result<&'static Spec, String> {
    let mut built = vec![None; model.types.len()];
    for index in 0..model.types.len() {
        type_def(model, index, &mut built)?;
    }
    let types: Vec<&'static TypeDef> = built.into_iter().flatten().collect();
    let shapes: Vec<&'static Shape> =
        model.shapes.iter().enumerate().map(|(index, s)| shape(index, s, &types)).collect::<Result<_, _>>()?;
    let versions: Vec<VersionDef> =
        model.versions.iter().enumerate().map(|(rank, v)| version(rank, v, &shapes)).collect();
    let errors: Vec<ErrorDef> = model
        .errors
        .iter()
        .map(|e| ErrorDef { name: e.name.as_deref().map(text), ..ErrorDef::new(e.code, text(&e.doc)) })
        .collect();
    let services = Vec::leak(model.web_services.iter().map(service).collect());
    Ok(Box::leak(Box::new(Spec {
        versions: Vec::leak(versions),
        types: Vec::leak(types),
        errors: Vec::leak(errors),
        services,
    })))
}

fn service(service: &model::WebService) -> WebServiceDef {
    let kind = match service.kind {
        model::WebServiceKind::Http => WebServiceKind::Http,
        model::WebServiceKind::Soap => WebServiceKind::Soap,
    };
    let message = |m: &model::HttpMessage| HttpMessageDef {
        document: m.document.as_deref().map(text),
        ..HttpMessageDef::new().elements(texts(&m.elements)).headers(texts(&m.headers))
    };
    let def = WebServiceDef::new(
        text(&service.name),
        text(&service.doc),
        kind,
        text(&service.method),
        texts(&service.paths),
        text(&service.since),
    );
    WebServiceDef {
        action: service.action.as_deref().map(text),
        until: service.until.as_deref().map(text),
        unverified: service.unverified.as_deref().map(text),
        evidence: Evidence {
            documented: service.evidence.documented.as_deref().map(text),
            seen: service.evidence.seen.as_deref().map(text),
            inferred: service.evidence.inferred.as_deref().map(text),
        },
        ..def.request(message(&service.request)).response(message(&service.response))
    }
}

fn text(s: &str) -> &'static str {
    Box::leak(s.to_owned().into_boxed_str())
}

fn texts(list: &[String]) -> &'static [&'static str] {
    Vec::leak(list.iter().map(|s| text(s)).collect())
}

/// The table of type `index`, built after the types it is a union of.
fn type_def(
    model: &model::Spec,
    index: usize,
    built: &mut Vec<Option<&'static TypeDef>>,
) -> Result<&'static TypeDef, String> {
    if let Some(done) = built[index] {
        return Ok(done);
    }
    let ty = &model.types[index];
    let kind = match &ty.kind {
        model::TypeKind::Check(check) => {
            // The generator and this library compile the same vocabulary of checks.
            let (name, max, len) = check.parts();
            TypeKind::Check(
                Check::from_name(name, max, len).ok_or_else(|| format!("check `{name}` is unknown to this build"))?,
            )
        }
        model::TypeKind::Enum(values) => {
            TypeKind::Enum(Vec::leak(values.iter().map(|v| EnumValue::new(text(&v.value), text(&v.doc))).collect()))
        }
        model::TypeKind::AnyOf(members) => TypeKind::AnyOf(Vec::leak(
            members.iter().map(|&m| type_def(model, m, built)).collect::<Result<Vec<_>, _>>()?,
        )),
        model::TypeKind::Parts { separator, parts } => TypeKind::Parts {
            separator: text(separator),
            parts: Vec::leak(parts.iter().map(|&m| type_def(model, m, built)).collect::<Result<Vec<_>, _>>()?),
        },
    };
    let def = TypeDef { max_len: ty.max_len, ..TypeDef::new(text(&ty.name), text(&ty.doc), kind) };
    let def: &'static TypeDef = Box::leak(Box::new(def));
    built[index] = Some(def);
    Ok(def)
}

fn shape(index: usize, shape: &model::Shape, types: &[&'static TypeDef]) -> Result<&'static Shape, String> {
    let args = shape
        .args
        .iter()
        .map(|arg| ArgDef {
            optional: arg.optional,
            repeat: arg.repeat,
            prefix: arg.prefix.as_deref().map(text),
            ..match &arg.kind {
                model::ArgKind::Value { name, ty } => ArgDef::value(text(name), types[*ty]),
                model::ArgKind::Literal { word, .. } => ArgDef::literal(text(word)),
            }
            .doc(text(&arg.doc))
        })
        .collect();
    let payload = shape.payload.as_ref().map(|p| {
        let kind = match p.kind {
            model::PayloadKind::Mime => PayloadKind::Mime,
            model::PayloadKind::Xml => PayloadKind::Xml,
            model::PayloadKind::Text => PayloadKind::Text,
            model::PayloadKind::Binary => PayloadKind::Binary,
        };
        PayloadDef {
            root: p.root.as_deref().map(text),
            ..PayloadDef::new(p.length_arg, kind).elements(texts(&p.elements))
        }
    });
    let trid = match shape.trid {
        model::Trid::Yes => Trid::Yes,
        model::Trid::No => Trid::No,
        model::Trid::Zero => Trid::Zero,
    };
    let index = u16::try_from(index).map_err(|_| "more than 65535 shapes".to_string())?;
    let def = Shape::new(index, text(&shape.rust_name), text(&shape.command), trid);
    Ok(Box::leak(Box::new(Shape { payload, ..def.args(Vec::leak(args)).doc(text(&shape.doc)) })))
}

fn dir(d: model::Dir) -> Dir {
    match d {
        model::Dir::Client => Dir::Client,
        model::Dir::Server => Dir::Server,
    }
}

fn link(link: &model::Link) -> LinkDef {
    LinkDef {
        arg: link.arg,
        role: match link.role {
            model::LinkRole::Defines => LinkRole::Defines,
            model::LinkRole::Refers => LinkRole::Refers,
        },
        kind: text(&link.kind),
    }
}

fn form(form: &model::Form, shapes: &[&'static Shape]) -> &'static FormDef {
    let services = Services(model::Service::mask(&form.services));
    let def = FormDef::new(text(&form.name), dir(form.from), shapes[form.shape], services, text(&form.since));
    Box::leak(Box::new(FormDef {
        answers: texts(&form.answers),
        warn: form.warn.as_deref().map(text),
        unverified: form.unverified.as_deref().map(text),
        evidence: Evidence {
            documented: form.evidence.documented.as_deref().map(text),
            seen: form.evidence.seen.as_deref().map(text),
            inferred: form.evidence.inferred.as_deref().map(text),
        },
        once: form.once,
        doc: text(&form.doc),
        arg_docs: texts(&form.arg_docs),
        counter: form.counter.map(|c| CounterDef { index: c.index, total: c.total, per: c.per }),
        counts: Vec::leak(form.counts.iter().map(|c| CountDef { arg: c.arg, command: text(&c.command) }).collect()),
        links: Vec::leak(form.links.iter().map(link).collect()),
        ..def
    }))
}

fn command(command: &model::Command, shapes: &[&'static Shape]) -> &'static CommandDef {
    let forms = Vec::leak(command.forms.iter().map(|f| form(f, shapes)).collect());
    let services = Services(model::Service::mask(&command.services));
    let def = CommandDef::new(text(&command.name), text(&command.doc), services, text(&command.since), forms);
    Box::leak(Box::new(CommandDef {
        unverified: command.unverified.as_deref().map(text),
        ..def.errors(Vec::leak(command.errors.clone()))
    }))
}

fn version(rank: usize, version: &model::Version, shapes: &[&'static Shape]) -> VersionDef {
    let sorted = version.sorted_commands();
    let commands = Vec::leak(sorted.iter().map(|c| command(c, shapes)).collect());
    VersionDef {
        extends: version.extends.as_deref().map(text),
        client: version.client.as_deref().map(text),
        auth: version.auth.as_deref().map(text),
        contact_list: version.contact_list.as_deref().map(text),
        unverified: version.unverified.as_deref().map(text),
        error_payload: version.error_payload,
        ..VersionDef::new(text(&version.name), text(&version.doc), rank, commands)
            .errors(Vec::leak(version.errors.clone()))
            .removed(Vec::leak(
                version.removed.iter().map(|r| RemovedDef { name: text(&r.name), doc: text(&r.doc) }).collect(),
            ))
    }
}
