//! FindMembership's answer: the Messenger service's memberships, one per role (`Allow`, `Block`, `Reverse`,
//! `Pending`, the lists AL, BL, RL and PL), each listing its members.

use super::xml::{Doc, Node, ends_with, walk};
use super::{MAX_MEMBERS, SoapError};
use crate::account::contacts::{ContactList, List};

/// The roles of the memberships, with the list each stands for, in the order they are written.
const ROLES: [(&str, List); 4] =
    [("Allow", List::AL), ("Block", List::BL), ("Reverse", List::RL), ("Pending", List::PL)];

/// A point in time the answers carry where the protocol wants one; the server keeps no history.
pub(super) const LAST_CHANGE: &str = "2006-01-01T00:00:00.0000000-08:00";

/// One member of one membership.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// The handle: a `PassportMember`'s `PassportName`, or an `EmailMember`'s `Email`.
    pub handle: String,
    /// The list the membership's role stands for.
    pub list: List,
    /// The member's `DisplayName`, when the answer gives one, as plain text.
    pub display_name: Option<String>,
}

/// What FindMembership answered: every member of the Messenger service's memberships, in document order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Memberships {
    /// The members, one entry per handle and list.
    pub members: Vec<Member>,
}

/// The answer to FindMembership for `list`: its AL, BL, RL and PL contacts as the memberships of the Messenger
/// service, each member with its display name.
pub fn write_find_membership(list: &ContactList) -> Vec<u8> {
    let mut doc = Doc::envelope();
    doc.open("soap:Body");
    doc.open_ab("FindMembershipResponse");
    doc.open("FindMembershipResult");
    doc.open("Services");
    doc.open("Service");
    doc.open("Memberships");
    let mut id = 0u32;
    for (role, which) in ROLES {
        if list.on(which).next().is_none() {
            continue;
        }
        doc.open("Membership");
        doc.leaf("MemberRole", role);
        doc.open("Members");
        for contact in list.on(which) {
            id += 1;
            doc.open_with("Member", &[("xsi:type", "PassportMember")]);
            doc.leaf("MembershipId", &id.to_string());
            doc.leaf("Type", "Passport");
            doc.leaf("DisplayName", &contact.friendly_name);
            doc.leaf("State", "Accepted");
            doc.leaf("Deleted", "false");
            doc.leaf("LastChanged", LAST_CHANGE);
            doc.leaf("PassportName", &contact.handle);
            doc.close("Member");
        }
        doc.close("Members");
        doc.leaf("MembershipIsComplete", "true");
        doc.close("Membership");
    }
    doc.close("Memberships");
    doc.open("Info");
    doc.open("Handle");
    doc.leaf("Id", "1");
    doc.leaf("Type", "Messenger");
    doc.empty("ForeignId");
    doc.close("Handle");
    doc.leaf("InverseRequired", "false");
    doc.leaf("IsBot", "false");
    doc.close("Info");
    doc.empty("Changes");
    doc.leaf("LastChange", LAST_CHANGE);
    doc.leaf("Deleted", "false");
    doc.close("Service");
    doc.close("Services");
    doc.close("FindMembershipResult");
    doc.close("FindMembershipResponse");
    doc.close("soap:Body");
    doc.finish()
}

/// The member being read.
#[derive(Default)]
struct Reading {
    passport: Option<String>,
    email: Option<String>,
    display_name: Option<String>,
    deleted: bool,
}

/// What the reader holds while it walks the answer.
#[derive(Default)]
struct State {
    found: bool,
    members: Vec<Member>,
    /// The members of the service being read, kept until its type is known (`Info` follows `Memberships`).
    service: Vec<Member>,
    service_type: Option<String>,
    /// The members of the membership being read, kept until its role is known, and the role.
    membership: Vec<(String, Option<String>)>,
    role: Option<String>,
    member: Reading,
    count: usize,
}

/// Reads FindMembership's answer: the members of every Messenger service's memberships (a service of another
/// type is skipped; one that names no type is taken), by role. Unknown roles and elements are skipped, and so
/// are members marked deleted or without a handle.
pub fn read_find_membership(body: &[u8]) -> Result<Memberships, SoapError> {
    let mut state = State::default();
    walk(body, |path, node| {
        match node {
            Node::Open => opened(&mut state, path),
            Node::Close(text) => closed(&mut state, path, text)?,
        }
        Ok(())
    })?;
    if !state.found {
        return Err(SoapError::Missing("FindMembershipResponse"));
    }
    Ok(Memberships { members: state.members })
}

fn opened(state: &mut State, path: &[String]) {
    if ends_with(path, &["Body", "FindMembershipResponse"]) {
        state.found = true;
    } else if ends_with(path, &["Services", "Service"]) {
        state.service.clear();
        state.service_type = None;
    } else if ends_with(path, &["Memberships", "Membership"]) {
        state.membership.clear();
        state.role = None;
    } else if ends_with(path, &["Members", "Member"]) {
        state.member = Reading::default();
    }
}

fn closed(state: &mut State, path: &[String], text: &str) -> Result<(), SoapError> {
    let value = || text.trim().to_string();
    if ends_with(path, &["Member", "PassportName"]) {
        state.member.passport = Some(value());
    } else if ends_with(path, &["Member", "Email"]) {
        state.member.email = Some(value());
    } else if ends_with(path, &["Member", "DisplayName"]) {
        state.member.display_name = Some(text.to_string());
    } else if ends_with(path, &["Member", "Deleted"]) {
        state.member.deleted = text.trim() == "true";
    } else if ends_with(path, &["Members", "Member"]) {
        let member = std::mem::take(&mut state.member);
        let handle = member.passport.or(member.email).filter(|h| !h.is_empty());
        if let Some(handle) = handle.filter(|_| !member.deleted) {
            state.count += 1;
            if state.count > MAX_MEMBERS {
                return Err(SoapError::TooMany { what: "memberships", limit: MAX_MEMBERS });
            }
            state.membership.push((handle, member.display_name));
        }
    } else if ends_with(path, &["Membership", "MemberRole"]) {
        state.role = Some(value());
    } else if ends_with(path, &["Memberships", "Membership"]) {
        let list = ROLES.iter().find(|(role, _)| state.role.as_deref() == Some(*role)).map(|(_, list)| *list);
        let members = std::mem::take(&mut state.membership);
        if let Some(list) = list {
            let members = members.into_iter().map(|(handle, display_name)| Member { handle, list, display_name });
            state.service.extend(members);
        }
    } else if ends_with(path, &["Service", "Info", "Handle", "Type"]) {
        state.service_type = Some(value());
    } else if ends_with(path, &["Services", "Service"]) {
        let service = std::mem::take(&mut state.service);
        if state.service_type.as_deref().is_none_or(|t| t == "Messenger") {
            state.members.extend(service);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{Member, read_find_membership, write_find_membership};
    use crate::account::abservice::SoapError;
    use crate::account::contacts::List;

    #[test]
    fn the_demo_memberships_are_read_back() {
        let accounts = crate::account::abservice::tests::demo_list();
        let body = write_find_membership(&accounts);
        let read = read_find_membership(&body).unwrap();
        let al: Vec<&str> = read.members.iter().filter(|m| m.list == List::AL).map(|m| m.handle.as_str()).collect();
        assert_eq!(al, ["bob@example.com", "carol@example.com"]);
        let bl: Vec<&Member> = read.members.iter().filter(|m| m.list == List::BL).collect();
        assert_eq!(bl.len(), 1);
        assert_eq!(bl[0].display_name.as_deref(), Some("Mallory"));
        assert!(read.members.iter().all(|m| m.list != List::FL));
    }

    #[test]
    fn members_are_read_tolerantly() {
        let body = br#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <soap:Body>
    <FindMembershipResponse xmlns="http://www.msn.com/webservices/AddressBook">
      <FindMembershipResult><Services>
        <Service>
          <Memberships>
            <Membership>
              <Members>
                <Member xsi:type="EmailMember"><Email>yahoo@example.com</Email><Unknown><Deep/></Unknown></Member>
                <Member xsi:type="PassportMember"><PassportName>gone@example.com</PassportName><Deleted>true</Deleted></Member>
                <Member xsi:type="PhoneMember"><PhoneNumber>555</PhoneNumber></Member>
              </Members>
              <MemberRole>Block</MemberRole>
            </Membership>
            <Membership><MemberRole>ProfileExpression</MemberRole><Members><Member><PassportName>x@example.com</PassportName></Member></Members></Membership>
          </Memberships>
          <Info><Handle><Type>Messenger</Type></Handle></Info>
        </Service>
        <Service>
          <Memberships><Membership><MemberRole>Allow</MemberRole><Members><Member><PassportName>space@example.com</PassportName></Member></Members></Membership></Memberships>
          <Info><Handle><Type>Space</Type></Handle></Info>
        </Service>
      </Services></FindMembershipResult>
    </FindMembershipResponse>
  </soap:Body>
</soap:Envelope>"#;
        let read = read_find_membership(body).unwrap();
        let want = Member { handle: "yahoo@example.com".into(), list: List::BL, display_name: None };
        assert_eq!(read.members, [want]);
    }

    #[test]
    fn an_answer_without_the_response_or_with_too_many_members_is_an_error() {
        let other = br#"<s:Envelope xmlns:s="x"><s:Body><ABFindAllResponse/></s:Body></s:Envelope>"#;
        assert_eq!(read_find_membership(other), Err(SoapError::Missing("FindMembershipResponse")));
        let member = "<Member><PassportName>a@b.c</PassportName></Member>".repeat(super::MAX_MEMBERS + 1);
        let body = format!(
            "<s:Envelope xmlns:s=\"x\"><s:Body><FindMembershipResponse><FindMembershipResult><Services><Service><Memberships><Membership><Members>{member}</Members></Membership></Memberships></Service></Services></FindMembershipResult></FindMembershipResponse></s:Body></s:Envelope>"
        );
        let error = read_find_membership(body.as_bytes()).unwrap_err();
        assert_eq!(error.to_string(), "the document holds more than 40000 memberships, the limit");
    }
}
